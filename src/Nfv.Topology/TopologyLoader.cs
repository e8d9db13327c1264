using Nfv.Abstractions.Configuration;
using Nfv.Topology.Internal;

namespace Nfv.Topology;

/// <summary>
/// Loads a topology file into a <see cref="ResolvedTopology"/>, or refuses it whole with every
/// problem found, each as <c>file(line,col): error CODE: message</c>.
/// </summary>
public static class TopologyLoader
{
    /// <summary>Reads and loads the file at <paramref name="path"/>. Never throws for a bad or unreadable file.</summary>
    /// <param name="path">The file; diagnostics name it exactly as given.</param>
    /// <param name="catalog">The function kinds the file may use.</param>
    /// <param name="plugins">Loads the plugins the file names (<c>plugins:</c>); without one, naming a plugin is an error.</param>
    public static TopologyLoadResult Load(string path, FunctionCatalog catalog, IPluginLoader? plugins = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(catalog);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return Refused(path, 1, 1, DiagnosticCodes.FileUnreadable, $"cannot read the topology file: {ex.Message}");
        }
        if (!TryDecodeUtf8(bytes, out var text, out int line, out int column))
        {
            return Refused(path, line, column, DiagnosticCodes.FileUnreadable,
                "the topology file is not UTF-8 text: this byte is not valid UTF-8 (save the file as UTF-8)");
        }
        return LoadFromText(text, path, catalog, plugins);
    }

    /// <summary>
    /// Parses YAML text into configuration nodes with the parser every topology file goes through (each node with its
    /// line and column), without resolving anything: for tools and for tests that define one function from its text.
    /// </summary>
    /// <returns>The document's root, or null after adding the syntax error to <paramref name="diagnostics"/>.</returns>
    public static ConfigNode? ParseYaml(string text, string file, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return YamlConfigParser.Parse(text, file, diagnostics);
    }

    /// <summary>
    /// Parses a topology file's text and expands its ranges (<c>"h[1-100]": ...</c>) as the loader does before checking
    /// anything: what <c>nfv validate --expand</c> prints (<see cref="ConfigYaml.Write"/>).
    /// </summary>
    public static ConfigNode? ParseExpanded(string text, string file, DiagnosticBag diagnostics) =>
        TopologyRanges.Expand(ParseYaml(text, file, diagnostics), diagnostics);

    /// <summary>Strict UTF-8 (a BOM is allowed): a byte that is not UTF-8 is refused with its line and column, never replaced.</summary>
    private static bool TryDecodeUtf8(byte[] bytes, out string text, out int line, out int column)
    {
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes.AsSpan(start), new char[bytes.Length], out int read, out _, replaceInvalidSequences: false);
        (line, column) = (1, 1);
        if (status == System.Buffers.OperationStatus.Done)
        {
            text = System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
            return true;
        }
        // Where the bad byte is: lines counted in bytes before it, columns in characters of its line.
        var before = bytes.AsSpan(start, read);
        int lastNewline = before.LastIndexOf((byte)'\n');
        line = 1 + before.Count((byte)'\n');
        column = 1 + System.Text.Encoding.UTF8.GetCharCount(before[(lastNewline + 1)..]);
        text = "";
        return false;
    }

    private static TopologyLoadResult Refused(string path, int line, int column, string code, string message)
    {
        var diagnostics = new DiagnosticBag();
        diagnostics.Error(code, new SourceSpan(path, line, column), message);
        return TopologyResolver.Finish(diagnostics, null);
    }

    /// <summary>Loads a topology from <paramref name="text"/>. Never throws for bad input.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="fileName">The name diagnostics use for the text; the topology's default name is it, without extension.</param>
    /// <param name="catalog">The function kinds the file may use.</param>
    /// <param name="plugins">Loads the plugins the text names, paths relative to <paramref name="fileName"/>'s folder.</param>
    public static TopologyLoadResult LoadFromText(string text, string fileName, FunctionCatalog catalog, IPluginLoader? plugins = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(catalog);
        return TopologyResolver.Resolve(text, fileName, catalog, plugins);
    }
}
