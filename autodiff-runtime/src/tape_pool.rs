//! Record storage that survives between calls: a per-thread pool of the heap buffers of dropped
//! record tapes, handed to the next tape that needs room.
//!
//! Why: a generated gradient records its forward sweep into tapes and drops them when its
//! reverse sweep is done. With the system allocator, freeing a few hundred KiB of records at the
//! top of the heap trims it (glibc gives memory back once the free top exceeds its trim
//! threshold) or unmaps it (blocks past the mmap threshold), and the next call faults every page
//! in again. On the GMM objective (700 KB of records per call) that was about a third of the
//! gradient's time, measured by running the same binary with glibc's trimming switched off
//! (`GLIBC_TUNABLES=glibc.malloc.trim_threshold=…`: 730 → 480 µs per call). A buffer kept here
//! is reused by the same function's next call at no cost.
//!
//! The pool holds untyped blocks (a pointer and the [`Layout`] it was allocated with) because
//! tapes hold records of any type, borrowed ones included, and a block freed by one tape is taken
//! by another of a different record type with the same alignment and a size that divides the
//! block. That reinterpretation is the one `unsafe` operation of the crate (`Vec::from_raw_parts`
//! on a block from the global allocator, see [`take`]); the rest (clearing records before a
//! block is kept, freeing blocks when the thread ends) is ordinary code.
//!
//! Bounds: at most [`MAX_BLOCKS`] blocks and [`MAX_BYTES`] bytes per thread; a block is only
//! handed to a tape that needs at least a quarter of it (or it is at most 64 KiB), so a small
//! tape does not hold a large block another tape of the same call wants. Buffers under
//! [`DIRECT`] bytes bypass the pool: a helper with a loop, called per trip of its caller, keeps
//! one small tape alive per trip until the reverse sweep, and the allocator's per-thread caches
//! hand those out faster than the pool's scan (a thousand-point fit through a 15-term series
//! helper: 178 → 160 µs per gradient, same run).
#![allow(unsafe_code)]

use core::cell::RefCell;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use std::alloc::Layout;

/// Most blocks kept per thread.
const MAX_BLOCKS: usize = 32;
/// Most bytes kept per thread (past it a freed tape's buffer goes back to the allocator).
const MAX_BYTES: usize = 256 << 20;
/// A block up to this size may serve any tape that fits in it.
const SMALL_BLOCK: usize = 64 << 10;
/// Buffers smaller than this skip the pool: the allocator's own per-thread caches serve them
/// faster than a scan of the pool, and freeing them trims nothing.
const DIRECT: usize = 4 << 10;

/// A heap block from the global allocator, owned by the pool, freed when dropped.
struct Block {
    ptr: NonNull<u8>,
    layout: Layout,
}

impl Drop for Block {
    fn drop(&mut self) {
        // SAFETY: `ptr` was allocated by the global allocator with exactly `layout` (the layout
        // of the `Vec` it came from, `give`), and the pool owns it: nothing else frees it.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), self.layout) }
    }
}

#[derive(Default)]
struct Pool {
    blocks: Vec<Block>,
    bytes: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

/// An empty `Vec` with room for at least `n` records: a pooled block when one fits, a fresh
/// allocation otherwise.
pub fn take<T>(n: usize) -> Vec<T> {
    let size = core::mem::size_of::<T>();
    if size == 0 || n == 0 {
        return Vec::with_capacity(n);
    }
    let Some(need) = n.checked_mul(size) else {
        return Vec::with_capacity(n);
    };
    if need < DIRECT {
        return Vec::with_capacity(n);
    }
    let align = core::mem::align_of::<T>();
    let block = POOL
        .try_with(|p| {
            let mut p = p.try_borrow_mut().ok()?;
            let fits = |b: &Block| {
                b.layout.align() == align
                    && b.layout.size().is_multiple_of(size)
                    && b.layout.size() >= need
                    && (b.layout.size() <= SMALL_BLOCK || b.layout.size() / 4 <= need)
            };
            // The smallest block that fits.
            let k = (0..p.blocks.len())
                .filter(|&k| fits(&p.blocks[k]))
                .min_by_key(|&k| p.blocks[k].layout.size())?;
            let b = p.blocks.swap_remove(k);
            p.bytes -= b.layout.size();
            Some(b)
        })
        .ok()
        .flatten();
    match block {
        Some(b) => {
            let b = ManuallyDrop::new(b);
            // SAFETY (`Vec::from_raw_parts`): the block was allocated by the global allocator
            // (it was a `Vec`'s buffer) with alignment `align_of::<T>()` and a size of exactly
            // `capacity * size_of::<T>()` bytes (both checked by `fits`); the length is 0, so
            // no record is read before it is written. The `Vec` now owns the block
            // (`ManuallyDrop`: the pool's `Block` does not free it).
            unsafe { Vec::from_raw_parts(b.ptr.as_ptr().cast::<T>(), 0, b.layout.size() / size) }
        }
        None => Vec::with_capacity(n),
    }
}

/// Keeps `v`'s buffer for a later [`take`] (its records are dropped first), or frees it when
/// the pool is full.
pub fn give<T>(mut v: Vec<T>) {
    // Records may own tapes (a pullback's captures): drop them before the pool is borrowed.
    v.clear();
    let Ok(layout) = Layout::array::<T>(v.capacity()) else {
        return;
    };
    if layout.size() < DIRECT {
        return;
    }
    let _ = POOL.try_with(|p| {
        let Ok(mut p) = p.try_borrow_mut() else {
            return;
        };
        if p.blocks.len() >= MAX_BLOCKS || p.bytes + layout.size() > MAX_BYTES {
            return;
        }
        let mut v = ManuallyDrop::new(core::mem::take(&mut v));
        let ptr = NonNull::new(v.as_mut_ptr().cast::<u8>()).expect("a Vec with capacity");
        p.bytes += layout.size();
        p.blocks.push(Block { ptr, layout });
    });
    // Otherwise `v` (still owning its buffer) is freed here.
}

/// Blocks and bytes the current thread's pool holds.
#[cfg(test)]
fn held() -> (usize, usize) {
    POOL.with(|p| {
        let p = p.borrow();
        (p.blocks.len(), p.bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain() {
        POOL.with(|p| {
            let mut p = p.borrow_mut();
            p.blocks.clear();
            p.bytes = 0;
        });
    }

    #[test]
    fn a_given_buffer_is_taken_again_by_another_record_type() {
        drain();
        let mut v: Vec<f64> = Vec::with_capacity(1000);
        v.extend((0..1000).map(|k| k as f64));
        let addr = v.as_ptr() as usize;
        give(v);
        assert_eq!(held(), (1, 8000));
        // Same alignment, a size that divides 8000 bytes: `(u64,)` reuses the block.
        let w: Vec<(u64,)> = take(900);
        assert_eq!(w.as_ptr() as usize, addr);
        assert_eq!(w.capacity(), 1000);
        assert!(w.is_empty());
        assert_eq!(held(), (0, 0));
        give(w);
    }

    #[test]
    fn records_are_dropped_when_the_buffer_is_kept() {
        drain();
        let counter = std::rc::Rc::new(());
        let v: Vec<std::rc::Rc<()>> = (0..1000).map(|_| counter.clone()).collect();
        assert_eq!(std::rc::Rc::strong_count(&counter), 1001);
        give(v);
        assert_eq!(std::rc::Rc::strong_count(&counter), 1);
        assert_eq!(held().0, 1);
        drain();
    }

    #[test]
    fn a_block_of_another_alignment_or_size_is_not_taken() {
        drain();
        give(Vec::<u32>::with_capacity(10_240)); // 40,960 bytes, align 4
        give(Vec::<[u8; 3]>::with_capacity(7_169)); // 21,507 bytes, align 1
        let a: Vec<u64> = take(5_120); // align 8: neither block
        let b: Vec<[u8; 2]> = take(8_192); // align 1, but 2 does not divide 21,507
        assert_eq!(held().0, 2);
        let c: Vec<u32> = take(11_264); // too small a block
        assert_eq!(held().0, 2);
        let d: Vec<i32> = take(3_072); // the 40,960-byte block
        assert_eq!((d.capacity(), held().0), (10_240, 1));
        drop((a, b, c, d));
        drain();
    }

    #[test]
    fn a_large_block_is_kept_for_a_tape_of_its_size() {
        drain();
        give(Vec::<u8>::with_capacity(1 << 20));
        let small: Vec<u8> = take(1000);
        assert!(small.capacity() < 1 << 20);
        assert_eq!(held().0, 1);
        let big: Vec<u8> = take(300_000);
        assert_eq!(big.capacity(), 1 << 20);
        drain();
    }

    #[test]
    fn the_pool_is_bounded() {
        drain();
        for _ in 0..MAX_BLOCKS + 5 {
            give(Vec::<u16>::with_capacity(4096));
        }
        assert_eq!(held().0, MAX_BLOCKS);
        drain();
        give(Vec::<u8>::with_capacity(MAX_BYTES + 1));
        assert_eq!(held(), (0, 0));
    }

    #[test]
    fn zero_sized_and_empty_requests_never_touch_the_pool() {
        drain();
        give(Vec::<()>::with_capacity(100));
        give(Vec::<f64>::new());
        assert_eq!(held(), (0, 0));
        let z: Vec<()> = take(100);
        assert!(z.capacity() >= 100);
    }

    #[test]
    fn small_buffers_skip_the_pool() {
        drain();
        // a helper's tape of 15 records per trip of its caller: the allocator's caches serve it
        give(Vec::<f64>::with_capacity(15));
        give(Vec::<u8>::with_capacity(DIRECT - 1));
        assert_eq!(held(), (0, 0));
        give(Vec::<u8>::with_capacity(DIRECT));
        assert_eq!(held(), (1, DIRECT));
        let small: Vec<u8> = take(100);
        assert_eq!(held().0, 1, "a small request leaves the pooled block");
        drop(small);
        drain();
    }
}
