using System.Reflection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// An <see cref="IWebhookStore"/> made with <see cref="DispatchProxy"/> that passes every call to an in-memory store, except
/// the ones a derived test store takes over in <see cref="TryIntercept"/>.
/// </summary>
public abstract class InMemoryStoreProxy : DispatchProxy
{
    /// <summary>Gets the store the calls go to.</summary>
    protected InMemoryWebhookStore Inner { get; private set; } = null!;

    /// <summary>Creates the proxy of type <typeparamref name="TProxy"/> over a new in-memory store.</summary>
    protected static (IWebhookStore Store, TProxy Proxy) CreateOver<TProxy>()
        where TProxy : InMemoryStoreProxy
    {
        var store = Create<IWebhookStore, TProxy>();
        var proxy = (TProxy)(object)store;
        proxy.Inner = new InMemoryWebhookStore();
        return (store, proxy);
    }

    /// <summary>Handles <paramref name="method"/> instead of the in-memory store, or returns <see langword="false"/> to pass it on.</summary>
    protected abstract bool TryIntercept(MethodInfo method, object?[] args, out object? result);

    protected sealed override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        if (TryIntercept(targetMethod, args, out var result))
        {
            return result;
        }

        try
        {
            return targetMethod.Invoke(Inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            throw inner;
        }
    }
}
