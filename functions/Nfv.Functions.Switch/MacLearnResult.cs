namespace Nfv.Functions.Switch;

/// <summary>What <see cref="MacTable.Learn"/> did.</summary>
public enum MacLearnResult
{
    /// <summary>The entry existed on the same port; its age was reset.</summary>
    Refreshed = 0,

    /// <summary>A new entry (or one that had aged out) was added.</summary>
    Learned = 1,

    /// <summary>The entry existed on another port and now points at the new one.</summary>
    Moved = 2,

    /// <summary>The address is new and the table is full: nothing was learned.</summary>
    Full = 3,

    /// <summary>The address is new on a port that already has as many as its limit (port security): nothing was learned.</summary>
    PortFull = 4,
}
