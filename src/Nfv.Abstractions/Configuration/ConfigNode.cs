namespace Nfv.Abstractions.Configuration;

/// <summary>
/// A node of a topology file, with the place it was written. Functions read their configuration
/// from these, never from the YAML library, so every error they report carries a line and column.
/// </summary>
public abstract class ConfigNode
{
    private protected ConfigNode(SourceSpan span) => Span = span;

    /// <summary>Where the node starts.</summary>
    public SourceSpan Span { get; }

    /// <summary>What the node is, for error messages: "a scalar", "a mapping", "a list".</summary>
    public abstract string Describe();
}

/// <summary>A plain value.</summary>
public sealed class ConfigScalar(string value, SourceSpan span) : ConfigNode(span)
{
    /// <summary>The text of the value.</summary>
    public string Value { get; } = value;

    /// <inheritdoc/>
    public override string Describe() => $"the value '{Value}'";

    /// <inheritdoc/>
    public override string ToString() => Value;
}

/// <summary>A list.</summary>
public sealed class ConfigSequence(IReadOnlyList<ConfigNode> items, SourceSpan span) : ConfigNode(span)
{
    /// <summary>The items, in order.</summary>
    public IReadOnlyList<ConfigNode> Items { get; } = items;

    /// <inheritdoc/>
    public override string Describe() => "a list";
}

/// <summary>A mapping of scalar keys to nodes, in file order.</summary>
public sealed class ConfigMapping(IReadOnlyList<KeyValuePair<ConfigScalar, ConfigNode>> entries, SourceSpan span) : ConfigNode(span)
{
    /// <summary>The entries, in file order.</summary>
    public IReadOnlyList<KeyValuePair<ConfigScalar, ConfigNode>> Entries { get; } = entries;

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public ConfigNode? this[string key]
    {
        get
        {
            foreach (var (k, v) in Entries)
            {
                if (k.Value == key)
                {
                    return v;
                }
            }
            return null;
        }
    }

    /// <summary>The key node of <paramref name="key"/>, or null.</summary>
    public ConfigScalar? KeyNode(string key)
    {
        foreach (var (k, _) in Entries)
        {
            if (k.Value == key)
            {
                return k;
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public override string Describe() => "a mapping";
}
