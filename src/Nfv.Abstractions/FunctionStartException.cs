namespace Nfv.Abstractions;

/// <summary>
/// A function could not be built from a valid configuration because of the machine it runs on (its state file is
/// locked by another process, its state directory is not writable). The message says what and where, for the user.
/// </summary>
public sealed class FunctionStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FunctionStartException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public FunctionStartException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public FunctionStartException(string message)
        : base(message)
    {
    }
}
