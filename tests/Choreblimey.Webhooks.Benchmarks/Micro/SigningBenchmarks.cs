using System.Buffers;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Choreblimey.Webhooks.Publishing.Internal;

namespace Choreblimey.Webhooks.Benchmarks.Micro;

/// <summary>
/// Signing and verification of one body, and the attempt path's "serialise the envelope, then sign it" step, whose
/// allocation is the issue-8 target (at most body size + 1 KiB per message).
/// </summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private readonly StandardWebhookSigner _signer = new();
    private readonly WebhookVerifier _verifier = new();
    private readonly WebhookSecret _secret = WebhookSecret.Generate();
    private readonly List<WebhookSecret> _secrets = [];
    private readonly string _id = "msg_2pbZk1yGmQqU3uYkQv9mYz0J1nT";
    private byte[] _body = [];
    private DateTimeOffset _timestamp;
    private string _timestampHeader = "";
    private string _signature = "";
    private WebhookMessage _message = null!;

    /// <summary>The payload size in bytes (the envelope adds about 150 bytes around it).</summary>
    [Params(256, 1024, 16384)]
    public int BodySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = BenchData.JsonOfSize(BodySize);
        _timestamp = DateTimeOffset.UtcNow;
        _timestampHeader = _timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _signature = _signer.Sign(_secret, _id, _timestamp, _body);
        _secrets.Add(_secret);
        _message = new WebhookMessage
        {
            Id = _id,
            TenantId = BenchData.Tenant,
            EventType = BenchData.EventType,
            Timestamp = _timestamp,
            Actor = "user-42",
            Data = _body,
        };
    }

    [Benchmark]
    public string Sign() => _signer.Sign(_secret, _id, _timestamp, _body);

    [Benchmark]
    public bool Verify() => _verifier.Verify(_body, _id, _timestampHeader, _signature, _secret).IsValid;

    /// <summary>What the worker does per attempt before sending: the envelope around the stored payload, then its signature.</summary>
    [Benchmark]
    public string SerialiseEnvelopeAndSign()
    {
        var body = new ArrayBufferWriter<byte>(_message.Data.Length + 256);
        WebhookEnvelopeWriter.Write(body, _message);
        return _signer.Sign(_secrets, _id, _timestamp, body.WrittenSpan);
    }
}
