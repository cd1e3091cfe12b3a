using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Choreblimey.Webhooks.Publishing.Internal;

namespace Choreblimey.Webhooks.Benchmarks.Micro;

/// <summary>Payload serialisation at publish and envelope serialisation at each attempt (a ~120-byte payload).</summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private BenchPayload _payload = null!;
    private WebhookMessage _message = null!;

    [GlobalSetup]
    public void Setup()
    {
        _payload = BenchData.Payload(1);
        _message = new WebhookMessage
        {
            Id = "msg_2pbZk1yGmQqU3uYkQv9mYz0J1nT",
            TenantId = BenchData.Tenant,
            EventType = BenchData.EventType,
            Timestamp = DateTimeOffset.UtcNow,
            Actor = "user-42",
            Data = JsonSerializer.SerializeToUtf8Bytes(_payload, _json),
        };
    }

    /// <summary>Publish: the payload is serialised once.</summary>
    [Benchmark]
    public byte[] SerialisePayload() => JsonSerializer.SerializeToUtf8Bytes(_payload, _json);

    /// <summary>Attempt: the envelope written around the stored payload bytes into a reused buffer.</summary>
    [Benchmark]
    public int WriteEnvelope()
    {
        _buffer.ResetWrittenCount();
        WebhookEnvelopeWriter.Write(_buffer, _message);
        return _buffer.WrittenCount;
    }

    /// <summary>Attempt, as the worker does it: a fresh buffer per attempt.</summary>
    [Benchmark]
    public byte[] EnvelopeToArray() => WebhookEnvelopeWriter.ToArray(_message);
}
