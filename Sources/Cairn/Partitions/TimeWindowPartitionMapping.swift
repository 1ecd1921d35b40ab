import Foundation

extension TimeWindowPartitions {
    /// The indices of the partitions of `upstream` that the downstream partitions
    /// `downstreamIndices` of `self` map to.
    ///
    /// Dagster's `TimeWindowPartitionMapping(start_offset:end_offset:)` with
    /// `allow_nonexistent_upstream_partitions=True`: the downstream windows' start moves by
    /// `startOffset` windows and their end by `endOffset`, and the result is every upstream window
    /// that overlaps the span between. Windows before the upstream's first are dropped, so the
    /// result may be empty; indices past the upstream's last existing partition are kept, so
    /// intersect with its partitions at the time.
    public func upstreamIndices(
        of downstreamIndices: Range<Int>, in upstream: TimeWindowPartitions, startOffset: Int, endOffset: Int
    ) -> Range<Int> {
        guard !downstreamIndices.isEmpty else { return 0..<0 }
        let start = ticks.tick(downstreamIndices.lowerBound + startOffset)
        let end = ticks.tick(downstreamIndices.upperBound + endOffset)
        return upstream.aligned(start: start, end: end, offsets: (0, 0))
    }

    /// The indices of the windows of `upstream` that the downstream partitions `downstreamIndices`
    /// of `self` require, as `upstreamIndices`, but before the upstream's first window too: negative
    /// indices are windows before its first partition (Dagster's required-but-nonexistent).
    func requiredUpstreamIndices(
        of downstreamIndices: Range<Int>, in upstream: TimeWindowPartitions, startOffset: Int, endOffset: Int
    ) -> Range<Int> {
        guard !downstreamIndices.isEmpty else { return 0..<0 }
        let start = ticks.tick(downstreamIndices.lowerBound + startOffset)
        let end = ticks.tick(downstreamIndices.upperBound + endOffset)
        let lower = upstream.ticks.lastIndex(atOrBefore: start)
        let upper = upstream.ticks.lastIndex(atOrBefore: end - 1) + 1
        return upper > lower ? lower..<upper : 0..<0
    }

    /// The reverse: the downstream indices (of self) whose mapped upstream windows include any of
    /// `upstreamIndices` of `upstream`, as Dagster's `get_downstream_partitions_for_partitions`.
    public func downstreamIndices(
        of upstreamIndices: Range<Int>, in upstream: TimeWindowPartitions, startOffset: Int, endOffset: Int
    ) -> Range<Int> {
        guard !upstreamIndices.isEmpty else { return 0..<0 }
        let start = upstream.ticks.tick(upstreamIndices.lowerBound)
        let end = upstream.ticks.tick(upstreamIndices.upperBound)
        return aligned(start: start, end: end, offsets: (-endOffset, -startOffset))
    }

    /// The windows of `self` from the one containing `start` to the one ending at or after `end`
    /// (as Dagster aligns a span to a definition's windows), each end then moved by `offsets`
    /// windows, clipped to the first window.
    private func aligned(start: Int, end: Int, offsets: (start: Int, end: Int)) -> Range<Int> {
        let lower = ticks.lastIndex(atOrBefore: start) + offsets.start
        let upper = ticks.lastIndex(atOrBefore: end - 1) + 1 + offsets.end
        guard upper > lower, upper > 0 else { return 0..<0 }
        return max(0, lower)..<upper
    }
}
