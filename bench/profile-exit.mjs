// Preloaded into the gateway when BENCH_PROFILE=1. Nest's shutdown hooks end
// the process by re-raising SIGTERM, and a process killed by a signal never
// writes its --cpu-prof file; SIGUSR2 makes it exit normally instead.
process.on('SIGUSR2', () => process.exit(0));
