import Foundation
import Testing

/// The weather example's UI in a real headless Chromium, driven by Selenium from
/// Tests/Browser/ui_tour.py: every page, a materialization watched live, the asset's plot, the
/// lineage graph, the launchpad's validation, the GraphQL console; no JavaScript console error.
/// `scripts/test` installs Chromium, chromedriver and Selenium and sets `CAIRN_PYTHON`;
/// screenshots land in `test-artifacts/screenshots`.
@Suite(.serialized) struct BrowserTests {
    static let python = ProcessInfo.processInfo.environment["CAIRN_PYTHON"]

    @Test(.enabled(if: python != nil, "scripts/test sets CAIRN_PYTHON to a Python with Selenium"))
    func aNewcomerTourOfWeatherDevInChromium() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let (dev, log) = try startDaemon(
            "weather", home: weather.home, ["--interval-ms", "200", "--port", "0"], command: "dev")
        defer { if dev.isRunning { dev.terminate() } }
        var address: Substring?
        let deadline = ContinuousClock.now + .seconds(30)
        while address == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            address = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
                .first { $0.hasPrefix("Cairn UI: ") }?.dropFirst(10)
        }
        let devOutput = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let url = try #require(address, "dev printed no UI address: \(devOutput())")

        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let screenshots = repository.appendingPathComponent("test-artifacts/screenshots")
        let tour = Process()
        tour.executableURL = URL(fileURLWithPath: try #require(Self.python))
        tour.arguments = [
            repository.appendingPathComponent("Tests/Browser/ui_tour.py").path, String(url), screenshots.path,
        ]
        let output = Pipe()
        tour.standardOutput = output
        tour.standardError = output
        try tour.run()
        // The tour takes a minute: it waits on a thread of its own, not on one the suite's async
        // work shares.
        let reading = output.fileHandleForReading
        let text = try await onOwnThread {
            let data = reading.readDataToEndOfFile()
            tour.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(tour.terminationStatus == 0, "\(text)\n--- dev ---\n\(devOutput())")
        #expect(text.contains("OK: every page loaded without a console error"))
    }
}
