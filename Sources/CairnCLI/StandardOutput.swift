#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    @preconcurrency import Darwin
#endif

/// Makes standard output line-buffered even when it is a file or a pipe, as it is when it is a
/// terminal, so that a daemon's lines reach its log as they are printed. Called once, first thing.
func makeStandardOutputLineBuffered() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
