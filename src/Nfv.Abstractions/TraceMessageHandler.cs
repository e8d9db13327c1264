using System.Runtime.CompilerServices;

namespace Nfv.Abstractions;

/// <summary>
/// Builds the text of <see cref="Emitter.Trace(Packet, ref TraceMessageHandler)"/> only when the packet is traced.
/// The compiler constructs it before evaluating any interpolated value; when the packet is not traced the
/// constructor says so and nothing else runs (like <c>Debug.Assert</c>'s handler). Not for direct use.
/// </summary>
[InterpolatedStringHandler]
public ref struct TraceMessageHandler
{
    private DefaultInterpolatedStringHandler _text;

    /// <summary>Called by the compiler for an interpolated decision about <paramref name="packet"/>.</summary>
    public TraceMessageHandler(int literalLength, int formattedCount, Packet packet, out bool isEnabled)
    {
        isEnabled = packet.TraceId != 0;
        IsEnabled = isEnabled;
        _text = isEnabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    /// <summary>True when the packet is traced and the text is being built.</summary>
    public bool IsEnabled { get; }

    /// <summary>Appends literal text.</summary>
    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    /// <summary>Appends a value.</summary>
    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    /// <summary>Appends a value with a format.</summary>
    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    /// <summary>Appends a value, aligned.</summary>
    public void AppendFormatted<T>(T value, int alignment) => _text.AppendFormatted(value, alignment);

    /// <summary>Appends characters.</summary>
    public void AppendFormatted(scoped ReadOnlySpan<char> value) => _text.AppendFormatted(value);

    /// <summary>Appends a string.</summary>
    public void AppendFormatted(string? value) => _text.AppendFormatted(value);

    /// <summary>The text; empty when the packet is not traced.</summary>
    public string ToStringAndClear() => IsEnabled ? _text.ToStringAndClear() : string.Empty;
}
