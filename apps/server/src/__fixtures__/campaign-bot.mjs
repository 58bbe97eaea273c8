// A campaign's bot for tests: records who it spoke to, listens half a second, hangs up.
import { firstValueFrom, take, toArray } from 'rxjs';

export default async (call) => {
  call.setResult({ spoke_to: call.params.danh_xung ?? '', attempt_seen: call.params.attempt ?? '' });
  await firstValueFrom(call.audio().pipe(take(25), toArray()));
  call.hangup();
};
