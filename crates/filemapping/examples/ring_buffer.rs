//! A ring buffer in shared memory: one section mapped twice, back to back
//! ([`FileMapping::map_ring`]), so that a record running past the end of the ring is still one
//! contiguous copy. A producer and a consumer, each with its own handles opened by name (they
//! could as well be two processes), pass variable-length records through a 64 KiB ring; the
//! positions live in a second small section, as two atomic counters.
//!
//! Windows code builds the same layout from `VirtualAlloc2` placeholders and `MapViewOfFile3`
//! (the C version: `crates/filemapping-ffi/tests/c/ring.c`).
//!
//! ```sh
//! cargo run -p filemapping --example ring_buffer
//! ```

use filemapping::{FileMapAccess, FileMapping, RingView, View, ALLOCATION_GRANULARITY};
use std::sync::atomic::Ordering;

const RECORDS: u64 = 10_000;
/// Where the control section keeps the producer's and the consumer's positions (bytes ever
/// written and read; the ring offset is the position modulo the ring's length).
const HEAD: usize = 0;
const TAIL: usize = 8;

/// The ring and its control words, through one process's own handles.
struct Ring {
    data: RingView,
    control: View,
}

impl Ring {
    fn open(name: &str) -> filemapping::Result<Ring> {
        let data = FileMapping::open(&format!("{name}-data"), FileMapAccess::WRITE)?;
        let control = FileMapping::open(&format!("{name}-control"), FileMapAccess::WRITE)?;
        Ok(Ring {
            data: data.map_ring(FileMapAccess::WRITE, 0, ALLOCATION_GRANULARITY)?,
            control: control.map_view(FileMapAccess::WRITE, 0, 0)?,
        })
    }

    fn position(&self, at: usize) -> u64 {
        self.control.atomic_u64(at).unwrap().load(Ordering::Acquire)
    }

    fn offset(&self, position: u64) -> usize {
        (position % self.data.len() as u64) as usize
    }

    /// Appends a record (a 4-byte length, then the bytes), waiting for room.
    fn push(&self, record: &[u8]) -> filemapping::Result<()> {
        let need = 4 + record.len() as u64;
        let head = self.position(HEAD);
        while head + need - self.position(TAIL) > self.data.len() as u64 {
            std::thread::yield_now();
        }
        let mut bytes = (record.len() as u32).to_le_bytes().to_vec();
        bytes.extend_from_slice(record);
        // One copy, wherever the record starts: past the end it lands in the second mapping,
        // which is the start of the ring.
        self.data.write_at(self.offset(head), &bytes)?;
        self.control
            .atomic_u64(HEAD)?
            .store(head + need, Ordering::Release);
        Ok(())
    }

    /// Takes the next record, waiting for one.
    fn pop(&self) -> filemapping::Result<Vec<u8>> {
        let tail = self.position(TAIL);
        while self.position(HEAD) == tail {
            std::thread::yield_now();
        }
        let mut len = [0u8; 4];
        self.data.read_at(self.offset(tail), &mut len)?;
        let mut record = vec![0u8; u32::from_le_bytes(len) as usize];
        self.data.read_at(self.offset(tail + 4), &mut record)?;
        self.control
            .atomic_u64(TAIL)?
            .store(tail + 4 + record.len() as u64, Ordering::Release);
        Ok(record)
    }
}

fn record(i: u64) -> Vec<u8> {
    format!("record {i} {}", "*".repeat((i % 997) as usize)).into_bytes()
}

fn main() -> filemapping::Result<()> {
    let name = format!("ring-example-{}", std::process::id());
    // The sections exist while these handles are open.
    let (_data, _) = FileMapping::create(&format!("{name}-data"), ALLOCATION_GRANULARITY as u64)?;
    let (_control, _) = FileMapping::create(&format!("{name}-control"), 16)?;

    let producer = {
        let ring = Ring::open(&name)?;
        std::thread::spawn(move || -> filemapping::Result<()> {
            for i in 0..RECORDS {
                ring.push(&record(i))?;
            }
            Ok(())
        })
    };
    let ring = Ring::open(&name)?;
    let mut wrapped = 0;
    for i in 0..RECORDS {
        let start = ring.offset(ring.position(TAIL));
        let got = ring.pop()?;
        assert_eq!(got, record(i), "record {i}");
        if start + 4 + got.len() > ring.data.len() {
            wrapped += 1;
        }
    }
    producer.join().expect("the producer thread")?;
    println!(
        "{RECORDS} records passed through a {} KiB ring; {wrapped} of them wrapped around its end",
        ring.data.len() / 1024
    );
    Ok(())
}
