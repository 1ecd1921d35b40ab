import Cairn
import CairnDaemon
import CairnSQLite
import Foundation

extension CairnBenchmarks {
    /// How many schedules and how many sensors the daemon benchmark evaluates in one tick.
    static let automationCount = 1_000

    /// Runs the daemon benchmarks: one tick of many schedules and sensors, and how soon a
    /// requested run starts.
    static func daemonBenchmarks() async throws {
        try await automationTickBenchmark()
        try await launchLatencyBenchmarks()
    }

    /// 1,000 schedules due every minute and 1,000 sensors with trivial bodies (half skip, half
    /// request one run), all running, evaluated in one schedule tick and one sensor tick on a
    /// SQLite file. The storage is new each round, so every schedule has exactly one due tick and
    /// every sensor is due; its setup is not timed.
    static func automationTickBenchmark() async throws {
        let asset = Asset<Int>("benchmark_asset") { _ in 1 }
        let schedules = (0..<automationCount).map { index in
            Schedule("schedule_\(index)", cron: "* * * * *", select: "key:benchmark_asset", defaultStatus: .running)
        }
        let sensors = (0..<automationCount).map { index in
            Sensor("sensor_\(index)", select: "key:benchmark_asset", defaultStatus: .running) { context in
                index.isMultiple(of: 2)
                    ? .skip("nothing new")
                    : SensorResult(runRequests: [RunRequest(runKey: "\(context.evaluationTime.timeIntervalSince1970)")])
            }
        }
        let definitions = Definitions(assets: [asset], schedules: schedules, sensors: sensors)
        _ = try definitions.assetGraph
        let now = Date(timeIntervalSince1970: 1_798_761_630)  // 2027-01-01T00:00:30Z
        var scheduleTimes: [Double] = []
        var sensorTimes: [Double] = []
        var totalTimes: [Double] = []
        for _ in 0..<5 {
            try await withTemporaryStorage { storage in
                for schedule in schedules {
                    try await storage.setScheduleState(
                        ScheduleState(name: schedule.name, status: .running, lastTick: now.addingTimeInterval(-60)))
                }
                let scheduleService = ScheduleService(definitions: definitions, storage: storage, now: { now })
                let sensorService = SensorService(definitions: definitions, storage: storage, now: { now })
                let start = DispatchTime.now().uptimeNanoseconds
                let scheduleTicks = try await scheduleService.evaluateSchedules()
                let middle = DispatchTime.now().uptimeNanoseconds
                let sensorTicks = try await sensorService.evaluateSensors()
                let end = DispatchTime.now().uptimeNanoseconds
                scheduleTimes.append(Double(middle - start) / 1e9)
                sensorTimes.append(Double(end - middle) / 1e9)
                totalTimes.append(Double(end - start) / 1e9)
                let runs = scheduleTicks.flatMap(\.runIDs).count + sensorTicks.flatMap(\.runIDs).count
                precondition(
                    scheduleTicks.count == automationCount && sensorTicks.count == automationCount
                        && runs == automationCount * 3 / 2,
                    "the tick evaluated \(scheduleTicks.count) schedules and \(sensorTicks.count) sensors, "
                        + "creating \(runs) runs")
            }
        }
        report(
            "\(automationCount) schedules (cron every minute) in one schedule tick", median(scheduleTimes), target: nil)
        report("\(automationCount) sensors (trivial bodies) in one sensor tick", median(sensorTimes), target: nil)
        report(
            "\(automationCount) schedules + \(automationCount) sensors in one tick each (SQLite)", median(totalTimes),
            target: 1)
    }
}
