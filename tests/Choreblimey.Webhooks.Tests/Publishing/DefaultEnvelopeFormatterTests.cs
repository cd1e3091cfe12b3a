using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Choreblimey.Webhooks.Publishing.Internal;

namespace Choreblimey.Webhooks.Tests.Publishing;

/// <summary>
/// The default envelope formatter reuses its JSON writers across attempts: each write must land whole in its own output,
/// whatever ran before or alongside it, and a pooled writer must not keep the last output alive.
/// </summary>
public sealed class DefaultEnvelopeFormatterTests
{
    private static WebhookMessage Message(int i) => new()
    {
        Id = $"msg_{i:D5}",
        TenantId = "family-" + (i % 7),
        EventType = "chore:created",
        Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddSeconds(i),
        Actor = i % 2 == 0 ? null : "parent-" + i,
        Data = Encoding.UTF8.GetBytes($$"""{"n":{{i}}}"""),
    };

    private static string Write(DefaultEnvelopeFormatter formatter, WebhookMessage message)
    {
        var output = new ArrayBufferWriter<byte>();
        formatter.Write(output, message);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Writes_made_one_after_another_and_at_once_each_equal_a_fresh_writers_envelope()
    {
        var formatter = new DefaultEnvelopeFormatter();
        var expected = Enumerable.Range(0, 2_000).Select(i => Encoding.UTF8.GetString(WebhookEnvelopeWriter.ToArray(Message(i)))).ToArray();

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(expected[i], Write(formatter, Message(i)));
        }

        var written = new string[expected.Length];
        Parallel.For(0, expected.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => written[i] = Write(formatter, Message(i)));
        Assert.Equal(expected, written);
    }

    [Fact]
    public void A_write_that_fails_leaves_its_writer_fit_for_the_next_one()
    {
        var formatter = new DefaultEnvelopeFormatter();

        Assert.Throws<InvalidOperationException>(() => formatter.Write(new FailingBufferWriter(), Message(1)));

        Assert.Equal(Encoding.UTF8.GetString(WebhookEnvelopeWriter.ToArray(Message(2))), Write(formatter, Message(2)));
    }

    [Fact]
    public void A_pooled_writer_keeps_neither_the_last_output_nor_its_memory_alive()
    {
        var formatter = new DefaultEnvelopeFormatter();

        var (output, memory) = WriteIntoUnreferencedOutput(formatter);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(output.TryGetTarget(out _));
        Assert.False(memory.TryGetTarget(out _));
        GC.KeepAlive(formatter);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference<IBufferWriter<byte>> Output, WeakReference<byte[]> Memory) WriteIntoUnreferencedOutput(DefaultEnvelopeFormatter formatter)
    {
        var output = new SingleArrayBufferWriter(64 * 1024);
        formatter.Write(output, Message(3));
        Assert.True(output.Written > 0);
        return (new WeakReference<IBufferWriter<byte>>(output), new WeakReference<byte[]>(output.Array));
    }

    /// <summary>An output over one array, so a test can tell whether anything still holds that memory.</summary>
    private sealed class SingleArrayBufferWriter(int size) : IBufferWriter<byte>
    {
        public byte[] Array { get; } = new byte[size];

        public int Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Array.AsMemory(Written);

        public Span<byte> GetSpan(int sizeHint = 0) => Array.AsSpan(Written);
    }

    /// <summary>An output that refuses to give memory, as a failing custom buffer would.</summary>
    private sealed class FailingBufferWriter : IBufferWriter<byte>
    {
        public void Advance(int count) => throw new InvalidOperationException("Advance is not expected.");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException("No memory here.");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException("No memory here.");
    }
}
