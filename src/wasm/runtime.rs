//! The npm package's wasm runtime (feature `wasm` on wasm32 without `std`
//! or `client`, as `make pkg` builds it): a
//! panic handler and a bump allocator, instead of std's panic machinery
//! (core::fmt) and dlmalloc, about 10 KB of the module.
//!
//! Every export runs to completion and frees what it allocated: the
//! arguments the glue copies in are dropped by Rust, and the result string
//! is freed by the glue right after it read it. So when no allocation is
//! live, the whole heap is free again: the allocator then starts over from
//! the heap's base. Between, it only grows (a call's total is a few times
//! its input; the input is capped: a reply at 256 KiB). `realloc` of the
//! newest block grows it in place.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

struct Bump {
    /// (next free address, end of the memory we own, live allocations, newest block's start)
    state: UnsafeCell<(usize, usize, usize, usize)>,
}

// SAFETY: wasm32 without atomics is single-threaded.
unsafe impl Sync for Bump {}

const PAGE: usize = 65536;

extern "C" {
    static __heap_base: u8;
}

impl Bump {
    fn base() -> usize {
        // The linker defines `__heap_base`; only its address is used.
        core::ptr::addr_of!(__heap_base) as usize
    }
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (next, end, live, newest) = &mut *self.state.get();
        if *next == 0 || *live == 0 {
            *next = Self::base();
        }
        if *end == 0 {
            *end = core::arch::wasm32::memory_size(0) * PAGE;
        }
        let start = (*next + layout.align() - 1) & !(layout.align() - 1);
        let Some(stop) = start.checked_add(layout.size()) else { return core::ptr::null_mut() };
        if stop > *end {
            let pages = (stop - *end).div_ceil(PAGE);
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
            *end += pages * PAGE;
        }
        *next = stop;
        *live += 1;
        *newest = start;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let (next, _, live, newest) = &mut *self.state.get();
        *live = live.saturating_sub(1);
        if ptr as usize == *newest && ptr as usize + layout.size() == *next {
            *next = *newest; // the newest block: give it back at once
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (next, end, _, newest) = &mut *self.state.get();
        if ptr as usize == *newest && ptr as usize + layout.size() == *next {
            if let Some(stop) = (ptr as usize).checked_add(new_size) {
                if stop <= *end {
                    *next = stop;
                    return ptr;
                }
            }
        }
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Bump = Bump { state: UnsafeCell::new((0, 0, 0, 0)) };

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
