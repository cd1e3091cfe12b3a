using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>
/// The process's CPU time split into user and kernel time, and its context switches (on Linux, from getrusage). A phase's
/// cost is the difference of two snapshots divided by the work done in it.
/// </summary>
internal readonly record struct ProcessUsage(TimeSpan User, TimeSpan Kernel, long VoluntarySwitches, long InvoluntarySwitches)
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
                usage.InvoluntarySwitches);
        }

        using var process = Process.GetCurrentProcess();
        return new ProcessUsage(process.UserProcessorTime, process.PrivilegedProcessorTime, 0, 0);
    }

    public static ProcessUsage operator -(ProcessUsage after, ProcessUsage before) =>
        new(after.User - before.User, after.Kernel - before.Kernel, after.VoluntarySwitches - before.VoluntarySwitches, after.InvoluntarySwitches - before.InvoluntarySwitches);

    /// <summary>Per unit of work: "user + kernel µs, switches".</summary>
    public string Per(long count) =>
        $"{User.TotalMicroseconds / count:0} + {Kernel.TotalMicroseconds / count:0} µs, {(VoluntarySwitches + InvoluntarySwitches) / (double)count:0.0} switches";

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
