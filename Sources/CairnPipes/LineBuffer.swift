/// Splits a byte stream into `\n`-terminated lines, holding a partial line until the rest
/// arrives; a line longer than the bound is skipped up to its end and reported by its length.
package struct LineBuffer {
    /// The longest line kept, in bytes.
    package let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var skipping = 0

    /// A buffer that keeps lines of at most `maxLineBytes` bytes.
    package init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    /// Adds bytes, calling `line` for each complete line (without its `\n`) and `overlong` with
    /// the length of each line that was too long.
    package mutating func append(
        _ bytes: UnsafeBufferPointer<UInt8>, line: (ArraySlice<UInt8>) -> Void, overlong: (Int) -> Void
    ) {
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                keep(bytes[start...], overlong: overlong)
                return
            }
            if skipping > 0 {
                overlong(skipping + newline - start)
                skipping = 0
            } else if pending.isEmpty {
                if newline - start <= maxLineBytes {
                    line(ArraySlice(UnsafeBufferPointer(rebasing: bytes[start..<newline])))
                } else {
                    overlong(newline - start)
                }
            } else {
                pending += bytes[start..<newline]
                if pending.count <= maxLineBytes { line(pending[...]) } else { overlong(pending.count) }
                pending.removeAll(keepingCapacity: pending.count < 1 << 20)
            }
            start = newline + 1
        }
    }

    /// The partial line at the end of the stream, if any: a line without its final `\n`.
    package mutating func finish(line: (ArraySlice<UInt8>) -> Void, overlong: (Int) -> Void) {
        if skipping > 0 {
            overlong(skipping)
        } else if !pending.isEmpty {
            line(pending[...])
        }
        pending = []
        skipping = 0
    }

    private mutating func keep(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, overlong: (Int) -> Void) {
        if skipping > 0 {
            skipping += bytes.count
        } else if pending.count + bytes.count > maxLineBytes {
            skipping = pending.count + bytes.count
            pending = []
        } else {
            pending += bytes
        }
    }
}
