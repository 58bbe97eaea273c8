;; The resampler's inner loop for integer decimation (24 → 8 kHz and the like), in
;; WebAssembly SIMD: four multiply-adds per instruction where JavaScript does one.
;;
;; decimate(c, taps4, x, step, count, out): for n in [0, count),
;;   out[n] = clamp(round(Σ_{k < 4·taps4} c[k] · x[n·step + k]))  as int16
;; c: f32[4·taps4] (the filter, zero-padded to whole vectors); x: f32 input;
;; step: input samples per output; out: i16. Lanes are summed (l0 + l1) + (l2 + l3), so
;; an output depends only on its inputs, never on how the stream was cut into pieces.
;; Built by scripts/build-wasm.mjs into fir-kernel-wasm.ts.
(module
  (memory (export "memory") 4)
  (func (export "decimate")
    (param $c i32) (param $taps4 i32) (param $x i32) (param $step i32)
    (param $count i32) (param $out i32)
    (local $end i32) (local $k i32) (local $xp i32) (local $acc v128) (local $sum f32)
    (local $stride i32) (local $lastOut i32)
    (local.set $stride (i32.shl (local.get $step) (i32.const 2)))
    (local.set $end (i32.shl (local.get $taps4) (i32.const 4)))
    (local.set $lastOut (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 1))))
    (local.set $xp (local.get $x))
    (block $done
      (loop $outputs
        (br_if $done (i32.ge_u (local.get $out) (local.get $lastOut)))
        (local.set $acc (f32x4.splat (f32.const 0)))
        (local.set $k (i32.const 0))
        (block $taps
          (loop $tap
            (br_if $taps (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul
                  (v128.load align=4 (i32.add (local.get $c) (local.get $k)))
                  (v128.load align=4 (i32.add (local.get $xp) (local.get $k))))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $tap)))
        (local.set $sum
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        ;; Round to nearest (ties to even), clamp to int16.
        (i32.store16 (local.get $out)
          (i32.trunc_sat_f32_s
            (f32.min (f32.const 32767)
              (f32.max (f32.const -32768) (f32.nearest (local.get $sum))))))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (local.set $xp (i32.add (local.get $xp) (local.get $stride)))
        (br $outputs)))))
