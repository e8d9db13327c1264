using System.Diagnostics.CodeAnalysis;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

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
        CheckPrefixes();
        Kinds = [.. _factories.Values.Select(f => f.Kind).Order(StringComparer.Ordinal)];
    }

    // Each kind's diagnostic codes begin with its own prefix: none may be empty, begin as the shared codes do, or begin
    // another's (NFV1 would take NFV12's codes), so no two kinds can report the same code.
    private void CheckPrefixes()
    {
        var factories = _factories.Values.ToList();
        foreach (var factory in factories)
        {
            var prefix = factory.DiagnosticPrefix;
            if (string.IsNullOrEmpty(prefix) || !prefix.All(char.IsAsciiLetterOrDigit) ||
                prefix.StartsWith(DiagnosticCodes.SharedPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"Kind '{factory.Kind}' has the diagnostic prefix '{prefix}': it must be letters and digits, not beginning with {DiagnosticCodes.SharedPrefix} (the shared codes).");
            }
            foreach (var other in factories)
            {
                if (other != factory && other.DiagnosticPrefix.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException(
                        $"Kinds '{factory.Kind}' and '{other.Kind}' have overlapping diagnostic prefixes ('{prefix}', '{other.DiagnosticPrefix}'): give each its own.");
                }
            }
        }
    }

    /// <summary>A catalog of these kinds and those <paramref name="more"/> make (a plugin's).</summary>
    /// <exception cref="ArgumentException">A factory of <paramref name="more"/> makes a kind this catalog has, or its prefix overlaps one.</exception>
    public FunctionCatalog With(IEnumerable<INetworkFunctionFactory> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var added = more.ToList();
        return added.Count == 0 ? this : new FunctionCatalog(_factories.Values.Concat(added));
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
