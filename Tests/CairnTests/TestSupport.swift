import Foundation
import Synchronization

/// Counts calls from concurrent code, for tests that check what ran and how often.
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Counts one call of `name` and returns how many there were before it.
    @discardableResult
    func record(_ name: String) -> Int {
        counts.withLock { counts in
            defer { counts[name, default: 0] += 1 }
            return counts[name, default: 0]
        }
    }

    /// How many times `name` was called.
    func count(_ name: String) -> Int { counts.withLock { $0[name, default: 0] } }
}

/// A unique temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-test-\(UUID())").path
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// An error with a fixed message, thrown by test assets.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
}

/// A flag shared with concurrent code, flipped by a test to change what an asset does.
final class Flag: Sendable {
    private let value: Mutex<Bool>

    init(_ value: Bool) { self.value = Mutex(value) }

    var isSet: Bool { value.withLock { $0 } }

    func set(_ newValue: Bool) { value.withLock { $0 = newValue } }
}
