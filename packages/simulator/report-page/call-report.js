// The call report page: draws the embedded report (#psr-report) and waveforms
// (#psr-waveforms) with uPlot on one time axis, the actions and events as marks, and plays
// the two tracks with a cursor. Plain browser JavaScript, inlined by the renderer.
(() => {
  const report = JSON.parse(document.getElementById('psr-report').textContent);
  const waves = JSON.parse(document.getElementById('psr-waveforms').textContent);
  const chart = document.getElementById('chart');
  const details = document.getElementById('details');
  const clock = (atMs) => {
    const s = atMs / 1000;
    return `${Math.floor(s / 60)}:${(s % 60).toFixed(3).padStart(6, '0')}`;
  };

  // Caller on top (centred on 1), what the caller heard below (centred on -1).
  const n = waves.caller.max.length;
  const x = Array.from({ length: n }, (_, i) => i * waves.stepMs);
  const lift = (values, centre) => values.map((v) => centre + (v / 32768) * 0.95);
  const data = [
    x,
    lift(waves.caller.max, 1),
    lift(waves.caller.min, 1),
    lift(waves.heard.max, -1),
    lift(waves.heard.min, -1),
  ];
  const line = (label, stroke) => ({ label, stroke, width: 1, points: { show: false } });
  const plot = new uPlot(
    {
      width: Math.max(600, chart.clientWidth || 900),
      height: 260,
      cursor: { drag: { x: false, y: false }, y: false },
      legend: { show: false },
      scales: {
        x: { time: false, range: [0, report.call.durationMs] },
        y: { range: [-2.05, 2.05] },
      },
      axes: [
        { values: (_, ticks) => ticks.map((t) => clock(t).replace(/0+$/, '').replace(/\.$/, '')) },
        {
          splits: () => [-1, 1],
          values: (_, ticks) => ticks.map((t) => (t > 0 ? 'caller' : 'heard')),
          size: 60,
        },
      ],
      series: [
        {},
        line('caller max', '#2f9e55'),
        line('caller min', '#2f9e55'),
        line('heard max', '#2b6cd4'),
        line('heard min', '#2b6cd4'),
      ],
      bands: [
        { series: [1, 2], fill: 'rgba(47,158,85,0.35)' },
        { series: [3, 4], fill: 'rgba(43,108,212,0.35)' },
      ],
    },
    data,
    chart,
  );

  // Marks: one per action and one per event, in lanes that line up with the plot area.
  const lanes = document.getElementById('lanes');
  const describe = (entry) =>
    Object.entries(entry)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join('\n');
  const marks = [];
  const addLane = (group, name, entries) => {
    const lane = document.createElement('div');
    lane.className = 'lane';
    lane.dataset.group = group;
    lane.innerHTML = `<span class="lane-name">${name}</span>`;
    for (const entry of entries) {
      const mark = document.createElement('div');
      const kind = entry.type ?? entry.kind;
      mark.className = entry.endMs === undefined ? 'mark' : 'mark span';
      mark.dataset.kind = kind;
      mark.dataset.atMs = String(entry.atMs);
      mark.title = `${clock(entry.atMs)} ${kind}`;
      mark.addEventListener('mouseenter', () => {
        details.textContent = `${clock(entry.atMs)}  ${kind}\n${describe(entry)}`;
      });
      lane.append(mark);
      marks.push({ mark, entry });
    }
    lanes.append(lane);
  };
  addLane('actions', 'actions', report.actions);
  // A lane per kind of event, so that events at the same moment stay apart.
  const kinds = [...new Set(report.events.map((e) => e.kind))];
  for (const kind of kinds)
    addLane(
      'events',
      kind,
      report.events.filter((e) => e.kind === kind),
    );
  const place = () => {
    const over = plot.over;
    lanes.style.marginLeft = `${over.offsetLeft}px`;
    lanes.style.width = `${over.clientWidth}px`;
    for (const { mark, entry } of marks) {
      const left = plot.valToPos(entry.atMs, 'x');
      mark.style.left = `${left}px`;
      if (entry.endMs !== undefined)
        mark.style.width = `${Math.max(3, plot.valToPos(entry.endMs, 'x') - left)}px`;
    }
  };
  place();
  window.addEventListener('resize', () => {
    plot.setSize({ width: Math.max(600, chart.clientWidth), height: 260 });
    place();
  });

  // Playback with a moving cursor; a click on the plot seeks.
  const playhead = document.createElement('div');
  playhead.id = 'playhead';
  plot.over.append(playhead);
  const players = [...document.querySelectorAll('audio')];
  const follow = (audio) => {
    playhead.style.display = 'block';
    playhead.style.left = `${plot.valToPos(audio.currentTime * 1000, 'x')}px`;
    if (!audio.paused) requestAnimationFrame(() => follow(audio));
  };
  for (const audio of players) {
    audio.addEventListener('play', () => {
      for (const other of players) if (other !== audio) other.pause();
      follow(audio);
    });
    audio.addEventListener('seeked', () => follow(audio));
  }
  plot.over.addEventListener('click', (event) => {
    const atMs = plot.posToVal(event.offsetX, 'x');
    const audio = players.find((a) => !a.paused) ?? players[0];
    audio.currentTime = Math.max(0, atMs / 1000);
    follow(audio);
  });
  window.psrReportPage = { plot, marks: marks.length };
})();
