import CMPI
import Foundation
import RecurKit

/// A ``ProcessGroup`` over MPI_COMM_WORLD (OpenMPI). Created only for `--distributed` runs, so
/// nothing else needs MPI running.
public final class MPIGroup: ProcessGroup {
    public let rank: Int
    public let size: Int

    /// Initialises MPI (once per process). Started without `mpirun`, this is a group of one.
    public init() {
        var initialised: Int32 = 0
        MPI_Initialized(&initialised)
        if initialised == 0 { MPI_Init(nil, nil) }
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(cmpi_comm_world(), &r)
        MPI_Comm_size(cmpi_comm_world(), &s)
        rank = Int(r)
        size = Int(s)
    }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        MPI_Allreduce(cmpi_in_place(), buffer, Int32(count), cmpi_float(), cmpi_sum(), cmpi_comm_world())
    }

    public func allReduceSum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer {
            _ = MPI_Allreduce(cmpi_in_place(), $0.baseAddress, Int32($0.count), cmpi_double(), cmpi_sum(), cmpi_comm_world())
        }
        return result
    }

    public func allGather(_ buffer: UnsafePointer<Float>, count: Int) -> [Float] {
        var result = [Float](repeating: 0, count: count * size)
        result.withUnsafeMutableBufferPointer {
            _ = MPI_Allgather(buffer, Int32(count), cmpi_float(), $0.baseAddress, Int32(count), cmpi_float(), cmpi_comm_world())
        }
        return result
    }

    public func abort(code: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), code)
        exit(code)
    }

    public func finish() { MPI_Finalize() }
}

/// The entry point `recur` looks up after loading this library for `--distributed`: a retained
/// ``MPIGroup`` (MPI initialised), handed over as an object the host casts to `ProcessGroup`.
@_cdecl("recur_mpi_group")
public func recurMPIGroup() -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(MPIGroup() as AnyObject).toOpaque()
}
