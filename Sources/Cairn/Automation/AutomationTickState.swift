/// What one tick knows of every asset while it evaluates, shared by reference so that evaluating
/// one asset never copies the states of all the others.
final class AutomationTickState {
    /// The state of every asset by node index, updated with the tick's events and evaluations.
    var states: [AutomationAssetState]
    /// The partitions requested so far in this tick, by node index.
    var requestedNow: [Set<String>]

    /// Starts a tick from the states of the assets.
    init(states: [AutomationAssetState]) {
        self.states = states
        requestedNow = [Set<String>](repeating: [], count: states.count)
    }
}
