using System.Security.Cryptography;

namespace Choreblimey.Webhooks.Signing.Internal;

/// <summary>
/// Keyed HMAC-SHA256 contexts of one secret, kept for reuse. Setting a context up (the algorithm lookup and the key
/// schedule) costs about as much as hashing a typical webhook body, and every delivery of a subscription signs with the
/// same secret, so a one-shot HMAC per signature spent half its time on set-up.
/// </summary>
/// <remarks>
/// Lock-free and bounded: at most <see cref="MaxIdle"/> idle contexts are kept (signing is short and synchronous, so more
/// than one per core is rarely in use at once); a context rented while none is idle is created, and one returned to a
/// full pool is disposed. A context is returned only after <see cref="IncrementalHash.GetHashAndReset(Span{byte})"/>, so a
/// reused one never holds a partial computation.
/// </remarks>
internal sealed class WebhookHmacPool(byte[] key)
{
    private const int MaxIdle = 4;

    private readonly IncrementalHash?[] _idle = new IncrementalHash?[Math.Clamp(Environment.ProcessorCount, 1, MaxIdle)];

    /// <summary>Takes an idle context, or creates one; give it back with <see cref="Return"/> once its hash is taken.</summary>
    public IncrementalHash Rent()
    {
        for (var i = 0; i < _idle.Length; i++)
        {
            if (Volatile.Read(ref _idle[i]) is not null && Interlocked.Exchange(ref _idle[i], null) is { } idle)
            {
                return idle;
            }
        }

        return IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    }

    /// <summary>
    /// Gives back a rented context: kept when <paramref name="reset"/> (its hash was just taken, so it is back in its keyed
    /// initial state), disposed otherwise, since a context that failed part-way may hold part of a message.
    /// </summary>
    public void Return(IncrementalHash hmac, bool reset)
    {
        if (!reset)
        {
            hmac.Dispose();
            return;
        }

        for (var i = 0; i < _idle.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _idle[i], hmac, null) is null)
            {
                return;
            }
        }

        hmac.Dispose();
    }

    /// <summary>Computes the HMAC-SHA256 of <paramref name="data"/> into <paramref name="destination"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hmac = Rent();
        var reset = false;
        try
        {
            hmac.AppendData(data);
            _ = hmac.GetHashAndReset(destination);
            reset = true;
        }
        finally
        {
            Return(hmac, reset);
        }
    }
}
