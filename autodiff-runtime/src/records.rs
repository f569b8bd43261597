//! Loop-scoped writers of the forward sweep's record tapes.
//!
//! A record tape is a [`Tape`] (`SmallVec`, eight records inline): short loops never allocate. But
//! a push into it re-tests inline-or-heap and keeps the length in memory, because the tape's
//! address escapes into its growth path. Before a loop whose trips push records, generated code
//! shadows the tape with a [`Writer`] (`let mut __s0 = writer(&mut __s0, hint);`) for exactly the
//! loop: when the loop may outgrow the inline part, the writer moves the records into a `Vec` it
//! owns and pushes there, with every slow path taking and returning that `Vec` by value, so the
//! writer's own address never escapes and its length, capacity and pointer stay in registers. On
//! every exit of the loop (the end, `break` to any label, `return`, a panic) the writer is
//! dropped and puts the records back into the tape, in order.
//!
//! A tape also starts with room for the length it had at the end of the last call's forward
//! sweep ([`tape_sized`], [`learn_tape_len`]; one static per tape of each generated function):
//! a function called again and again on inputs of one size (a training loop) allocates each tape
//! once at its final size instead of regrowing it by doubling, which copies every record made so
//! far and touches fresh pages at each step. The length is only a capacity: a call that records
//! more grows the tape as before, and one that records less leaves room unused.
//!
//! Every growth path is a cold `extern "C"` function: it cannot unwind (a panic inside one, which
//! only a capacity overflow raises, aborts the process, as a failed allocation already does), so
//! a push compiles to a plain call on its slow path rather than an `invoke` with a landing pad.
//! That is what lets the compiler keep a loop's floats in registers: a value live across a call
//! that may unwind (here, `y` in `y = y * x + c[i]`, pushed each trip) was kept in memory for
//! the whole loop, a store and a reload on its chain every trip. Same for [`Put`], through which
//! generated code appends control records. The slow paths only make room and never take the
//! record itself: a tuple of records passed to a call is first built in a stack copy, and the
//! copy's 16-byte reload right after the 8-byte stores that built it cannot be forwarded from
//! the store buffer (a stall on every trip, 13 % of the GMM gradient's time).

use core::sync::atomic::{AtomicUsize, Ordering};

use smallvec::SmallVec;

/// A record of the forward sweep: the first 8 entries live inline (no heap allocation for short
/// loops), longer ones spill to the heap. A spilled tape's buffer goes back to the thread's pool
/// of record buffers (`tape_pool.rs`) when the tape is dropped, for the next call's tapes.
pub struct Tape<T>(SmallVec<[T; INLINE]>);

impl<T> Tape<T> {
    /// An empty, inline tape.
    #[inline(always)]
    pub fn new() -> Self {
        Tape(SmallVec::new())
    }
}

/// Empty and inline, for any record type (a derived `Default` would ask `T: Default`).
impl<T> Default for Tape<T> {
    #[inline(always)]
    fn default() -> Self {
        Tape::new()
    }
}

impl<T> core::ops::Deref for Tape<T> {
    type Target = SmallVec<[T; INLINE]>;
    #[inline(always)]
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T> core::ops::DerefMut for Tape<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<T> Drop for Tape<T> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.0.spilled() {
            recycle(self);
        }
    }
}

/// A spilled tape's buffer goes to the pool (its records are dropped first).
#[cold]
#[inline(never)]
fn recycle<T>(tape: &mut Tape<T>) {
    crate::tape_pool::give(core::mem::take(&mut tape.0).into_vec());
}

/// A record tape with room for `last` records, the length the same tape had at the end of the
/// last call's forward sweep ([`learn_tape_len`]): a function that records the same amount call
/// after call allocates its tape once, at its final size, instead of regrowing it by doubling
/// (each step a copy of everything recorded so far, into pages the process faults in again).
/// Up to the inline eight records, or with nothing learned yet, the tape starts empty and inline.
#[inline(always)]
pub fn tape_sized<T>(last: &AtomicUsize) -> Tape<T> {
    let n = last.load(Ordering::Relaxed);
    if n <= INLINE { Tape::new() } else { sized(n) }
}

#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn sized<T>(n: usize) -> Tape<T> {
    let n = n.min(LEARNED_BYTES / core::mem::size_of::<T>().max(1));
    Tape(SmallVec::from_vec(crate::tape_pool::take(n)))
}

/// Notes `len`, a tape's length at the end of a forward sweep, for the next call's
/// [`tape_sized`]. Writes only when the length changed, so threads running the same function on
/// inputs of one size do not contend for the line that holds it.
#[inline(always)]
pub fn learn_tape_len(last: &AtomicUsize, len: usize) {
    if last.load(Ordering::Relaxed) != len {
        last.store(len, Ordering::Relaxed);
    }
}

/// Appending a record to a tape or to a loop's writer of one. Generated code writes every record
/// and every control record (a trip count, a branch taken) through it (`Put::put(&mut tape, v)`),
/// never through `SmallVec::push`, whose growth path may unwind (see the [module docs](self)).
pub trait Put<T> {
    /// Appends `value`.
    fn put(&mut self, value: T);
}

impl<T> Put<T> for Tape<T> {
    #[inline(always)]
    fn put(&mut self, value: T) {
        if self.len() == self.capacity() {
            grow_tape(self);
        }
        // The value goes to no call (the slow path only makes room), so it stays in registers
        // and is stored field by field, never built in a stack copy first; the test folds
        // `SmallVec::push`'s own growth test, so no call that can unwind is left either.
        if self.len() < self.capacity() {
            self.push(value);
        } else {
            no_room();
        }
    }
}

impl<T> Put<T> for Writer<'_, T> {
    #[inline(always)]
    fn put(&mut self, value: T) {
        self.push(value);
    }
}

impl<T> Put<T> for &mut Writer<'_, T> {
    #[inline(always)]
    fn put(&mut self, value: T) {
        self.push(value);
    }
}

/// Never reached (the slow paths always make room). It cannot unwind (`extern "C"`: a panic
/// aborts), so the loop that pushes needs no landing pad and keeps its values in registers.
#[cold]
#[inline(never)]
extern "C" fn no_room() -> ! {
    unreachable!("a record tape has room after growing")
}

/// A full tape: grows it (`SmallVec` doubles).
#[cold]
#[inline(never)]
extern "C" fn grow_tape<T>(tape: &mut Tape<T>) {
    let n = tape.len().max(INLINE);
    tape.reserve(n);
}

/// Records pushed into a tape for the length of one loop. See the [module docs](self).
pub struct Writer<'a, T> {
    /// The tape the records go back into when the writer is dropped.
    home: &'a mut Tape<T>,
    /// Heap mode (capacity > 0): all the tape's records, `home` left empty meanwhile. Direct
    /// mode (capacity 0): empty, and pushes go straight into `home`.
    buf: Vec<T>,
}

/// A tape, or a writer of one, that a loop can write its records through.
pub trait Records {
    /// What the loop pushes into.
    type Writer<'w>
    where
        Self: 'w;
    /// A writer for a loop expected to push `hint` records.
    fn writer(&mut self, hint: usize) -> Self::Writer<'_>;
}

impl<T> Records for Tape<T> {
    type Writer<'w>
        = Writer<'w, T>
    where
        T: 'w;
    #[inline(always)]
    fn writer(&mut self, hint: usize) -> Writer<'_, T> {
        let hint = capped::<T>(hint);
        let buf = if self.spilled() || self.len() + hint > self.inline_size() {
            into_buf(self, hint)
        } else {
            Vec::new()
        };
        Writer { home: self, buf }
    }
}

/// A loop inside a loop that already writes the tape keeps the outer writer, reserving room.
impl<'a, T> Records for Writer<'a, T> {
    type Writer<'w>
        = &'w mut Writer<'a, T>
    where
        Self: 'w;
    #[inline(always)]
    fn writer(&mut self, hint: usize) -> &mut Writer<'a, T> {
        self.reserve(hint);
        self
    }
}

/// A third level of loops, and deeper.
impl<'a, T> Records for &mut Writer<'a, T> {
    type Writer<'w>
        = &'w mut Writer<'a, T>
    where
        Self: 'w;
    #[inline(always)]
    fn writer(&mut self, hint: usize) -> &mut Writer<'a, T> {
        self.reserve(hint);
        self
    }
}

/// The records a tape keeps inline.
const INLINE: usize = 8;

/// The most a learned length reserves up front, in bytes of records (past it the tape grows by
/// doubling, as without one).
const LEARNED_BYTES: usize = 64 << 20;

/// The most a loop's hint reserves up front, in bytes of records.
const RESERVE_BYTES: usize = 4 << 20;

/// A hint of `n` records, at most [`RESERVE_BYTES`] of them: a hint is a lower bound on the
/// trips, and a loop may leave early (`for j in 0..` hints `usize::MAX`); past the cap the
/// buffer grows by doubling instead.
#[inline(always)]
fn capped<T>(n: usize) -> usize {
    n.min(RESERVE_BYTES / core::mem::size_of::<T>().max(1))
}

/// A writer for `tape` over a loop expected to push `hint` records (its iterator's lower bound).
#[inline(always)]
pub fn writer<R: Records>(tape: &mut R, hint: usize) -> R::Writer<'_> {
    tape.writer(hint)
}

impl<T> Writer<'_, T> {
    /// Appends a record.
    #[inline(always)]
    pub fn push(&mut self, value: T) {
        if self.buf.len() == self.buf.capacity() {
            if self.buf.capacity() == 0 && !self.home.spilled() && self.home.len() < INLINE {
                // Inline room: the tests fold `SmallVec::push`'s own growth test.
                self.home.push(value);
                return;
            }
            self.buf = grow_push(core::mem::take(&mut self.buf), self.home);
        }
        // The slow path above only makes room: `value` is passed to no call, so a tuple of
        // records stays in registers and is stored field by field (passed to a call, it was
        // built in a stack copy whose wide reload stalled on the narrow stores that built it).
        // The test folds `Vec::push`'s own, so no call that can unwind is left (a loop's sums
        // stay in registers, see `no_room`).
        if self.buf.len() < self.buf.capacity() {
            self.buf.push(value);
        } else {
            no_room();
        }
    }

    /// Makes room for `n` more records (an inner loop's hint).
    #[inline(always)]
    pub fn reserve(&mut self, n: usize) {
        let n = capped::<T>(n);
        if self.buf.capacity() == 0 {
            if self.home.spilled() || self.home.len() + n > self.home.inline_size() {
                self.buf = into_buf(self.home, n);
            }
        } else if self.buf.capacity() - self.buf.len() < n {
            self.buf = grow_to(core::mem::take(&mut self.buf), n);
        }
    }
}

impl<T> Drop for Writer<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.buf.capacity() != 0 {
            put_back(self.home, core::mem::take(&mut self.buf));
        }
    }
}

/// Heap mode: the tape's records, with room for `n` more.
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn into_buf<T>(home: &mut Tape<T>, n: usize) -> Vec<T> {
    if home.spilled() {
        let mut buf = core::mem::take(&mut home.0).into_vec();
        buf.reserve(n.max(1));
        buf
    } else {
        // Inline records move to a pooled buffer with room for `n` more.
        let mut buf = crate::tape_pool::take(home.len() + n.max(1));
        buf.extend(home.0.drain(..));
        buf
    }
}

/// A full buffer, or a full inline tape (whose records then move to a buffer): doubles it (at
/// least 8).
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn grow_push<T>(buf: Vec<T>, home: &mut Tape<T>) -> Vec<T> {
    let mut buf = if buf.capacity() == 0 {
        into_buf(home, home.len().max(INLINE))
    } else {
        buf
    };
    buf.reserve(buf.len().max(INLINE));
    buf
}

/// Room for `n` more records (amortised: `Vec::reserve` at least doubles).
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn grow_to<T>(mut buf: Vec<T>, n: usize) -> Vec<T> {
    buf.reserve(n);
    buf
}

/// The records go back into the tape after the ones it holds (a zero-sized record type never
/// leaves the tape: its `Vec` reports a capacity from the start).
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn put_back<T>(home: &mut Tape<T>, buf: Vec<T>) {
    if home.is_empty() {
        home.0 = SmallVec::from_vec(buf);
    } else {
        home.extend(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes `n` records through a writer made with `hint`, then `m` through a nested writer.
    fn run(start: usize, hint: usize, n: usize, inner_hint: usize, m: usize) -> Vec<usize> {
        let mut tape: Tape<usize> = Tape::new();
        for k in 0..start {
            tape.push(k);
        }
        {
            let mut w = writer(&mut tape, hint);
            for k in 0..n {
                w.push(start + k);
            }
            let mut w = writer(&mut w, inner_hint);
            for k in 0..m {
                let w = writer(&mut w, 1);
                w.push(start + n + k);
            }
        }
        tape.to_vec()
    }

    #[test]
    fn records_come_back_in_order_for_every_mode() {
        for start in [0, 3, 8, 20] {
            for hint in [0, 2, 5, 9, 100] {
                for n in [0, 1, 7, 8, 9, 40] {
                    for (inner_hint, m) in [(0, 0), (0, 3), (10, 10), (2, 30)] {
                        let got = run(start, hint, n, inner_hint, m);
                        let want: Vec<usize> = (0..start + n + m).collect();
                        assert_eq!(got, want, "start {start} hint {hint} n {n} m {m}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_huge_hint_reserves_a_bounded_buffer() {
        // `for j in 0..` hints usize::MAX trips, `0..1 << 36` half a terabyte of records: the
        // reservation is capped (here 4 MiB / 8 bytes), the records still come back in order.
        for hint in [usize::MAX, 1 << 36, usize::MAX - 3] {
            for start in [0, 5, 20] {
                let got = run(start, hint, 6, hint, 3);
                assert_eq!(got, (0..start + 9).collect::<Vec<_>>(), "hint {hint}");
            }
            let mut tape: Tape<usize> = Tape::new();
            let w = writer(&mut tape, hint);
            // A pooled buffer may serve it: at most four times the reservation (`tape_pool`).
            assert!(
                w.buf.capacity() <= 4 * RESERVE_BYTES / 8,
                "{}",
                w.buf.capacity()
            );
        }
    }

    #[test]
    fn put_appends_in_order_past_every_capacity() {
        // A bare tape: inline, spilled by `put` itself, and started at a learned length.
        let last = AtomicUsize::new(0);
        for learned in [0, 5, 8, 9, 64] {
            last.store(learned, Ordering::Relaxed);
            for n in [0, 1, 8, 9, 63, 64, 65, 1000] {
                let mut tape: Tape<usize> = tape_sized(&last);
                for k in 0..n {
                    tape.put(k);
                }
                assert_eq!(
                    tape.to_vec(),
                    (0..n).collect::<Vec<_>>(),
                    "learned {learned} n {n}"
                );
            }
        }
        // Through a writer and a nested writer (the forms generated code reaches them in).
        let mut tape: Tape<(f64, usize)> = Tape::new();
        {
            let mut w = writer(&mut tape, 0);
            for k in 0..20 {
                Put::put(&mut w, (k as f64, k));
                let mut inner = writer(&mut w, 2);
                Put::put(&mut inner, (-(k as f64), k));
            }
        }
        let want: Vec<(f64, usize)> = (0..20)
            .flat_map(|k| [(k as f64, k), (-(k as f64), k)])
            .collect();
        assert_eq!(tape.to_vec(), want);
        // Zero-sized control records.
        let mut tape: Tape<()> = Tape::new();
        for _ in 0..100 {
            tape.put(());
        }
        assert_eq!(tape.len(), 100);
    }

    #[test]
    fn a_writer_over_a_full_inline_tape_moves_to_a_buffer() {
        // A `while` loop hints no trips: its writer starts in the inline tape and, once that is
        // full, moves the records into a buffer of its own (the fast path from then on).
        let mut tape: Tape<usize> = Tape::new();
        {
            let mut w = writer(&mut tape, 0);
            for k in 0..INLINE {
                w.push(k);
            }
            assert_eq!(w.buf.capacity(), 0, "still inline");
            w.push(INLINE);
            assert!(w.buf.capacity() > INLINE, "{}", w.buf.capacity());
            for k in INLINE + 1..100 {
                w.push(k);
            }
        }
        assert_eq!(tape.to_vec(), (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn a_short_loop_stays_inline() {
        let mut tape: Tape<f64> = Tape::new();
        {
            let mut w = writer(&mut tape, 5);
            for k in 0..5 {
                w.push(k as f64);
            }
        }
        assert!(!tape.spilled());
        assert_eq!(tape.as_slice(), &[0.0, 1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn zero_sized_records_are_counted() {
        let mut tape: Tape<()> = Tape::new();
        tape.push(());
        {
            let mut w = writer(&mut tape, 3);
            for _ in 0..4 {
                w.push(());
            }
        }
        assert_eq!(tape.len(), 5);
    }

    #[test]
    fn a_panic_inside_the_loop_still_puts_the_records_back() {
        let mut tape: Tape<u32> = Tape::new();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut w = writer(&mut tape, 20);
            for k in 0..12 {
                w.push(k);
            }
            panic!("stop");
        }));
        assert!(r.is_err());
        assert_eq!(tape.to_vec(), (0..12).collect::<Vec<u32>>());
    }

    /// One forward sweep as generated code runs it: a sized tape, a writer over a loop of
    /// `trips` with the hint `hint`, then the length noted. Returns the tape's capacity right
    /// after it was made, and its records.
    fn sweep(last: &AtomicUsize, trips: usize, hint: usize) -> (usize, Vec<usize>) {
        let mut tape: Tape<usize> = tape_sized(last);
        let made = tape.capacity();
        {
            let mut w = writer(&mut tape, hint);
            for k in 0..trips {
                w.push(k);
            }
        }
        learn_tape_len(last, tape.len());
        (made, tape.to_vec())
    }

    #[test]
    fn a_tape_starts_at_the_length_the_last_call_ended_with() {
        let last = AtomicUsize::new(0);
        // Nothing learned: inline. Then the length of the call before, whatever the hint says
        // (a `while` loop hints nothing), with the records in order every time.
        for (trips, hint, expect_made) in [
            (1000, 0, INLINE),
            (1000, 0, 1000),
            (5, 5, 1000),
            (5, 5, INLINE),
            (300, 10, INLINE),
            (20, 20, 300),
        ] {
            let (made, recs) = sweep(&last, trips, hint);
            // Inline, or at least the learned length (a pooled buffer may be larger).
            if expect_made == INLINE {
                assert_eq!(made, INLINE, "{trips} trips after {last:?}");
            } else {
                assert!(
                    (expect_made..=4 * expect_made).contains(&made),
                    "{made}: {trips} trips after {last:?}"
                );
            }
            assert_eq!(recs, (0..trips).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_huge_learned_length_reserves_a_bounded_buffer() {
        // A length no allocation could hold is capped at `LEARNED_BYTES` of records.
        let last = AtomicUsize::new(usize::MAX / 2);
        let tape: Tape<u64> = tape_sized(&last);
        assert_eq!(tape.capacity(), LEARNED_BYTES / 8);
        let tape: Tape<()> = tape_sized(&last);
        assert!(tape.is_empty());
    }
}
