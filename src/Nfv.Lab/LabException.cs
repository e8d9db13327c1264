namespace Nfv.Lab;

/// <summary>A lab host or port could not be set up: the message says what failed, in one line.</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
