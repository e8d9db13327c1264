using System.Diagnostics.CodeAnalysis;
using Nfv.Abstractions;

namespace Nfv.Topology;

/// <summary>
/// The function kinds a topology may use: <c>kind</c> (case-insensitive) to the factory that makes it.
/// </summary>
public sealed class FunctionCatalog
{
    private readonly Dictionary<string, INetworkFunctionFactory> _factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a catalog of <paramref name="factories"/>.</summary>
    /// <exception cref="ArgumentException">Two factories claim the same kind, or a kind is empty.</exception>
    public FunctionCatalog(IEnumerable<INetworkFunctionFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        foreach (var factory in factories)
        {
            ArgumentNullException.ThrowIfNull(factory, nameof(factories));
            if (string.IsNullOrWhiteSpace(factory.Kind))
            {
                throw new ArgumentException($"The factory {factory.GetType().FullName} has no kind.", nameof(factories));
            }
            if (!_factories.TryAdd(factory.Kind, factory))
            {
                throw new ArgumentException(
                    $"Two factories make kind '{factory.Kind}': {_factories[factory.Kind].GetType().FullName} and {factory.GetType().FullName}.",
                    nameof(factories));
            }
        }
        Kinds = [.. _factories.Values.Select(f => f.Kind).Order(StringComparer.Ordinal)];
    }

    /// <summary>The known kinds, as their factories spell them, sorted.</summary>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>Finds the factory of <paramref name="kind"/>, ignoring case.</summary>
    public bool TryGet(string kind, [NotNullWhen(true)] out INetworkFunctionFactory? factory)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return _factories.TryGetValue(kind, out factory);
    }
}
