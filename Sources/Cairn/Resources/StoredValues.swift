/// Finds values of interest among another value's stored properties by reflection: how Cairn
/// knows, before a run, which environment variables and other resources a resource needs.
enum StoredValues {
    /// How deep nested values are searched; guards against pathological recursive structures.
    static let maximumDepth = 32

    /// Every value `match` accepts, searched through stored properties, optionals, arrays, sets,
    /// dictionaries, tuples, enum payloads and class instances (each object once), in declaration
    /// order, without duplicates. A matched value is not searched further.
    static func find<Found: Hashable>(in value: Any, _ match: (Any) -> Found?) -> [Found] {
        var search = Search<Found>()
        search.visit(value, depth: 0, match)
        return search.found
    }

    /// One search's state.
    private struct Search<Found: Hashable> {
        var found: [Found] = []
        var seen: Set<Found> = []
        var visitedObjects: Set<ObjectIdentifier> = []

        mutating func visit(_ value: Any, depth: Int, _ match: (Any) -> Found?) {
            if let hit = match(value) {
                if seen.insert(hit).inserted { found.append(hit) }
                return
            }
            guard depth < StoredValues.maximumDepth else { return }
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .class {
                guard visitedObjects.insert(ObjectIdentifier(value as AnyObject)).inserted else { return }
            }
            visit(mirror, depth: depth, match)
        }

        mutating func visit(_ mirror: Mirror, depth: Int, _ match: (Any) -> Found?) {
            if let superclass = mirror.superclassMirror { visit(superclass, depth: depth, match) }
            for child in mirror.children { visit(child.value, depth: depth + 1, match) }
        }
    }
}
