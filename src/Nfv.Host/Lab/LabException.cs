namespace Nfv.Host.Lab;

/// <summary>A lab host or port could not be set up.</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
