using Microsoft.Extensions.Primitives;

namespace Secrets.Client;

/// <summary>The change token of a store that cannot tell when a secret changes: it never fires.</summary>
internal sealed class NeverChangeToken : IChangeToken
{
    public static readonly NeverChangeToken Instance = new();

    private NeverChangeToken()
    {
    }

    public bool HasChanged => false;

    public bool ActiveChangeCallbacks => false;

    public IDisposable RegisterChangeCallback(Action<object?> callback, object? state) => NoRegistration.Instance;

    private sealed class NoRegistration : IDisposable
    {
        public static readonly NoRegistration Instance = new();

        public void Dispose()
        {
        }
    }
}
