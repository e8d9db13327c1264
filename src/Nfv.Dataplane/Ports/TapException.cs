namespace Nfv.Dataplane.Ports;

/// <summary>A TAP device could not be opened or configured.</summary>
public sealed class TapException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TapException(string message, int errno) : base(message) => Errno = errno;

    /// <summary>The errno of the failed call.</summary>
    public int Errno { get; }

    /// <summary>True when the failure was a lack of privilege (EPERM or EACCES).</summary>
    public bool IsPermissionDenied => Errno is 1 or 13;
}
