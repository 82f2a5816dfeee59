//! The threads that make the outbox's Bot API calls.
//!
//! The HTTP client blocks, so every call needs a thread. A few long-lived
//! ones — one per call the outbox allows in flight — wait on one queue: a
//! call then costs a single wake-up, where a tokio task plus a hand-off to the
//! blocking pool cost several, and that was a large part of what a reply cost.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;

/// A call to make on a sender thread.
pub(crate) type Call = Box<dyn FnOnce() + Send>;

/// The queue the threads take calls from.
#[derive(Default)]
struct Queue {
    calls: VecDeque<Call>,
    closed: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

/// A fixed set of sender threads; they stop when this is dropped.
pub(crate) struct Senders {
    shared: Arc<Shared>,
    threads: usize,
}

impl std::fmt::Debug for Senders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Senders")
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

impl Senders {
    /// Starts up to `count` threads; one that cannot be started is logged and
    /// its share of the work goes to the others (or to [`Self::run`]'s caller).
    pub(crate) fn start(count: usize) -> Self {
        let shared = Arc::new(Shared::default());
        let mut threads = 0;
        for n in 0..count {
            let worker = shared.clone();
            let spawned = thread::Builder::new()
                .name(format!("ajib-send-{n}"))
                .spawn(move || work(&worker));
            match spawned {
                Ok(_) => threads += 1,
                Err(err) => log::error!("cannot start Bot API sender thread {n}: {err}"),
            }
        }
        Self { shared, threads }
    }

    /// Queues `call` for the next free thread; gives it back if there are no threads.
    pub(crate) fn run(&self, call: Call) -> Result<(), Call> {
        if self.threads == 0 {
            return Err(call);
        }
        let mut queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queue.calls.push_back(call);
        drop(queue);
        self.shared.ready.notify_one();
        Ok(())
    }
}

impl Drop for Senders {
    fn drop(&mut self) {
        let mut queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queue.closed = true;
        drop(queue);
        self.shared.ready.notify_all();
    }
}

/// A sender thread: makes calls until the queue is closed and empty.
fn work(shared: &Shared) {
    loop {
        let mut queue = shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let call = loop {
            if let Some(call) = queue.calls.pop_front() {
                break call;
            }
            if queue.closed {
                return;
            }
            queue = shared
                .ready
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        };
        drop(queue);
        call();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn every_call_runs_once_on_the_threads() {
        let senders = Senders::start(3);
        let (tx, rx) = mpsc::channel();
        for n in 0..100 {
            let tx = tx.clone();
            let queued = senders.run(Box::new(move || {
                let _ = tx.send((n, thread::current().name().map(str::to_owned)));
            }));
            assert!(queued.is_ok());
        }
        let mut seen: Vec<_> = (0..100)
            .map(|_| rx.recv_timeout(Duration::from_secs(10)).ok())
            .collect::<Option<_>>()
            .unwrap_or_default();
        assert!(seen.iter().all(|(_, name)| {
            name.as_deref()
                .is_some_and(|it| it.starts_with("ajib-send-"))
        }));
        seen.sort_unstable();
        let numbers: Vec<i32> = seen.into_iter().map(|(n, _)| n).collect();
        assert_eq!(numbers, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn with_no_threads_the_call_comes_back() {
        let senders = Senders::start(0);
        assert!(senders.run(Box::new(|| ())).is_err());
    }
}
