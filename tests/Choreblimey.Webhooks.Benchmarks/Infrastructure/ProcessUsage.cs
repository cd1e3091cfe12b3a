using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>
/// The process's CPU time split into user and kernel time, and its context switches (on Linux, from getrusage). A phase's
/// cost is the difference of two snapshots divided by the work done in it. The garbage collector's pause time and
/// collection counts come with it, so a phase's CPU can be told apart from the time the runtime stopped it.
/// </summary>
internal readonly record struct ProcessUsage(
    TimeSpan User,
    TimeSpan Kernel,
    long VoluntarySwitches,
    long InvoluntarySwitches,
    TimeSpan GcPause = default,
    int Gen0 = 0,
    int Gen1 = 0,
    int Gen2 = 0,
    long LockContentions = 0,
    long WorkItems = 0,
    long MinorFaults = 0,
    long JitCompiled = 0,
    TimeSpan JitTime = default)
{
    public TimeSpan Total => User + Kernel;

    public static ProcessUsage Now()
    {
        if (OperatingSystem.IsLinux() && NativeMethods.getrusage(0, out var usage) == 0)
        {
            return new ProcessUsage(
                TimeSpan.FromMicroseconds(usage.UserSeconds * 1_000_000d + usage.UserMicroseconds),
                TimeSpan.FromMicroseconds(usage.SystemSeconds * 1_000_000d + usage.SystemMicroseconds),
                usage.VoluntarySwitches,
                usage.InvoluntarySwitches,
                GC.GetTotalPauseDuration(),
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                Monitor.LockContentionCount,
                ThreadPool.CompletedWorkItemCount,
                usage.MinorFaults,
                System.Runtime.JitInfo.GetCompiledMethodCount(),
                System.Runtime.JitInfo.GetCompilationTime());
        }

        using var process = Process.GetCurrentProcess();
        return new ProcessUsage(
            process.UserProcessorTime,
            process.PrivilegedProcessorTime,
            0,
            0,
            GC.GetTotalPauseDuration(),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            Monitor.LockContentionCount,
            ThreadPool.CompletedWorkItemCount);
    }

    public static ProcessUsage operator -(ProcessUsage after, ProcessUsage before) =>
        new(
            after.User - before.User,
            after.Kernel - before.Kernel,
            after.VoluntarySwitches - before.VoluntarySwitches,
            after.InvoluntarySwitches - before.InvoluntarySwitches,
            after.GcPause - before.GcPause,
            after.Gen0 - before.Gen0,
            after.Gen1 - before.Gen1,
            after.Gen2 - before.Gen2,
            after.LockContentions - before.LockContentions,
            after.WorkItems - before.WorkItems,
            after.MinorFaults - before.MinorFaults,
            after.JitCompiled - before.JitCompiled,
            after.JitTime - before.JitTime);

    /// <summary>
    /// Per unit of work: "user + kernel µs, switches, thread-pool work items, lock contentions, minor page faults, methods jitted in the phase, GC pause µs
    /// (gen0/gen1/gen2 collections in the phase)".
    /// </summary>
    public string Per(long count) =>
        $"{User.TotalMicroseconds / count:0} + {Kernel.TotalMicroseconds / count:0} µs, " +
        $"{(VoluntarySwitches + InvoluntarySwitches) / (double)count:0.0} switches, " +
        $"{WorkItems / (double)count:0.0} work items, {LockContentions / (double)count:0.00} lock contentions, " +
        $"{MinorFaults / (double)count:0.00} page faults, {JitCompiled} methods jitted ({JitTime.TotalMilliseconds:0} ms), " +
        $"GC paused {GcPause.TotalMicroseconds / count:0.0} µs ({Gen0}/{Gen1}/{Gen2} collections)";

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentSet;
        public long SharedMemory;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int getrusage(int who, out RUsage usage);
    }
}
