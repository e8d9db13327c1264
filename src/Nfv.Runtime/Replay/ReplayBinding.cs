namespace Nfv.Runtime.Replay;

/// <summary>One <c>--in PORT=FILE</c> or <c>--out PORT=FILE</c> of <c>nfv replay</c>.</summary>
/// <param name="Port">The external port's name in the topology.</param>
/// <param name="File">The pcap file.</param>
public sealed record ReplayBinding(string Port, string File)
{
    /// <summary>Parses <c>PORT=FILE</c>; null with <paramref name="error"/> set when it is not that shape.</summary>
    public static ReplayBinding? Parse(string option, string text, out string? error)
    {
        int equals = text.IndexOf('=');
        if (equals <= 0 || equals == text.Length - 1)
        {
            error = $"{option} expects PORT=FILE (such as {option} p1={(option == "--in" ? "in" : "out")}.pcap), not '{text}'";
            return null;
        }
        error = null;
        return new ReplayBinding(text[..equals], text[(equals + 1)..]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Port}={File}";
}
