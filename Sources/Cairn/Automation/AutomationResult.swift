/// What one automation tick found: the tick to store, what it requested, and how many assets it
/// evaluated.
public struct AutomationResult: Sendable {
    /// The cursor, evaluations and runs to store with `AutomationStorage.storeAutomationTick(_:)`.
    public var tick: AutomationTick
    /// The assets and partitions requested, upstream first.
    public var requests: [AutomationRequest]
    /// How many assets were evaluated; the others kept their previous result.
    public var evaluatedAssetCount: Int

    /// Creates a result.
    public init(tick: AutomationTick, requests: [AutomationRequest], evaluatedAssetCount: Int) {
        self.tick = tick
        self.requests = requests
        self.evaluatedAssetCount = evaluatedAssetCount
    }
}
