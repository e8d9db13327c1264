namespace Nfv.Testing;

/// <summary>
/// A function broke its contract or a test's expectation in a helper of this library (a packet emitted twice, a frame
/// not sent where expected, a pcap file that is not one). Any test framework reports it as a failure with its message.
/// </summary>
public sealed class FunctionTestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FunctionTestException(string message) : base(message)
    {
    }
}

/// <summary>The one assertion the helpers make: framework-free, so a plugin's tests may use xunit, NUnit or MSTest.</summary>
internal static class Check
{
    /// <summary>Throws <see cref="FunctionTestException"/> with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    public static void That([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool condition, string message)
    {
        if (!condition)
        {
            throw new FunctionTestException(message);
        }
    }
}
