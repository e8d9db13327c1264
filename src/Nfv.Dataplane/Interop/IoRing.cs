using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Interop;

/// <summary>
/// An io_uring used the simplest way: fill up to <see cref="Entries"/> reads or writes, hand them all to the kernel in
/// one <c>io_uring_enter</c> that also waits for them, then take their results. Each is asked not to wait
/// (<c>RWF_NOWAIT</c>): the kernel does it at once within that one call or fails it with EAGAIN, as <c>read</c> and
/// <c>write</c> on a non-blocking descriptor would, and nothing is left pending (without it, a read of an empty TAP
/// waits for the next frame, and the call with it). So N frames cost one system call instead of N. Used by one thread
/// at a time.
/// </summary>
internal sealed unsafe class IoRing : IDisposable
{
    private readonly int _fd;
    private readonly void* _rings;
    private readonly nuint _ringsLength;
    private readonly IoUringSqe* _sqes;
    private readonly nuint _sqesLength;
    private readonly uint* _sqTail;
    private readonly uint* _sqArray;
    private readonly uint _sqMask;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly IoUringCqe* _cqes;
    private uint _tail; // our copy of the submission tail (we alone write it)
    private int _prepared;

    private IoRing(int fd, in IoUringParams p, void* rings, nuint ringsLength, IoUringSqe* sqes, nuint sqesLength)
    {
        _fd = fd;
        _rings = rings;
        _ringsLength = ringsLength;
        _sqes = sqes;
        _sqesLength = sqesLength;
        byte* b = (byte*)rings;
        _sqTail = (uint*)(b + p.SqOff.Tail);
        _sqArray = (uint*)(b + p.SqOff.Array);
        _sqMask = *(uint*)(b + p.SqOff.RingMask);
        _cqHead = (uint*)(b + p.CqOff.Head);
        _cqTail = (uint*)(b + p.CqOff.Tail);
        _cqMask = *(uint*)(b + p.CqOff.RingMask);
        _cqes = (IoUringCqe*)(b + p.CqOff.Cqes);
        _tail = *_sqTail;
        Entries = (int)p.SqEntries;
    }

    /// <summary>How many operations one <see cref="SubmitAndWait"/> may carry.</summary>
    public int Entries { get; }

    /// <summary>Operations prepared and not yet submitted.</summary>
    public int Prepared => _prepared;

    /// <summary>
    /// Makes a ring of <paramref name="entries"/> (a power of two), or returns null and why not: a kernel without
    /// io_uring or with it turned off (<c>kernel.io_uring_disabled</c>), or a container's seccomp profile refusing it.
    /// </summary>
    public static IoRing? TryCreate(uint entries, out string? whyNot)
    {
        var p = default(IoUringParams);
        // Not IORING_SETUP_SINGLE_ISSUER: a port's queue may move to another worker when the topology is applied anew.
        p.Flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;
        int fd = (int)Syscall(SYS_io_uring_setup, (nint)entries, (nint)(&p), 0, 0, 0, 0);
        if (fd < 0)
        {
            whyNot = $"io_uring_setup: {ErrorInfo.Last()}";
            return null;
        }
        const uint needed = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP;
        if ((p.Features & needed) != needed)
        {
            Close(fd);
            whyNot = "io_uring lacks single mmap or no-drop completions (a kernel before 5.5)";
            return null;
        }
        nuint ringsLength = Math.Max(p.SqOff.Array + (p.SqEntries * sizeof(uint)), p.CqOff.Cqes + (p.CqEntries * (uint)sizeof(IoUringCqe)));
        void* rings = Mmap(null, ringsLength, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
        if (rings == (void*)-1)
        {
            whyNot = $"mmap of the io_uring rings: {ErrorInfo.Last()}";
            Close(fd);
            return null;
        }
        nuint sqesLength = p.SqEntries * (uint)sizeof(IoUringSqe);
        void* sqes = Mmap(null, sqesLength, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
        if (sqes == (void*)-1)
        {
            whyNot = $"mmap of the io_uring entries: {ErrorInfo.Last()}";
            Munmap(rings, ringsLength);
            Close(fd);
            return null;
        }
        whyNot = null;
        return new IoRing(fd, p, rings, ringsLength, (IoUringSqe*)sqes, sqesLength);
    }

    /// <summary>Prepares a write of <paramref name="length"/> bytes at <paramref name="data"/> (which must stay put until its result is taken).</summary>
    public void PrepareWrite(int fd, byte* data, int length, ulong userData) => Prepare(IORING_OP_WRITE, fd, data, length, userData);

    /// <summary>Prepares a read of at most <paramref name="length"/> bytes into <paramref name="data"/>.</summary>
    public void PrepareRead(int fd, byte* data, int length, ulong userData) => Prepare(IORING_OP_READ, fd, data, length, userData);

    private void Prepare(byte opcode, int fd, byte* data, int length, ulong userData)
    {
        if (_prepared == Entries)
        {
            throw new InvalidOperationException("The ring is full: submit what is prepared first.");
        }
        uint index = _tail & _sqMask;
        var sqe = _sqes + index;
        *sqe = default;
        sqe->Opcode = opcode;
        sqe->Fd = fd;
        sqe->Address = (ulong)data;
        sqe->Length = (uint)length;
        sqe->Offset = ulong.MaxValue; // the file's own position: none for a character device, as read() and write()
        sqe->RwFlags = RWF_NOWAIT; // done within the call or EAGAIN: a read of an empty TAP would otherwise wait for a frame
        sqe->UserData = userData;
        _sqArray[index] = index;
        _tail++;
        _prepared++;
    }

    /// <summary>
    /// Hands every prepared operation to the kernel and waits until all have a result: one system call. Returns
    /// false, with the errno, when the call itself failed (nothing was done then, except on EINTR, which it retries).
    /// </summary>
    public bool SubmitAndWait(out Error error)
    {
        int count = _prepared;
        Volatile.Write(ref *_sqTail, _tail); // the entries are written before the kernel may see the new tail
        _prepared = 0;
        int submitted = 0;
        while (true)
        {
            nint result = Syscall(SYS_io_uring_enter, _fd, count - submitted, count - submitted, (nint)IORING_ENTER_GETEVENTS, 0, 0);
            if (result >= 0)
            {
                submitted += (int)result;
                if (submitted >= count)
                {
                    error = 0;
                    return true;
                }
                continue;
            }
            error = LastError;
            if (error != Error.EINTR)
            {
                return false;
            }
        }
    }

    /// <summary>Takes the next result, if any: what <c>read</c> or <c>write</c> would have returned, or minus the errno.</summary>
    public bool TryTakeCompletion(out ulong userData, out int result)
    {
        uint head = *_cqHead;
        if (head == Volatile.Read(ref *_cqTail))
        {
            userData = 0;
            result = 0;
            return false;
        }
        var cqe = _cqes + (head & _cqMask);
        userData = cqe->UserData;
        result = cqe->Result;
        Volatile.Write(ref *_cqHead, head + 1);
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Munmap(_sqes, _sqesLength);
        Munmap(_rings, _ringsLength);
        Close(_fd);
    }
}
