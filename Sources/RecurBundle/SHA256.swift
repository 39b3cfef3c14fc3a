import COpenSSL
import Foundation

/// SHA-256 through OpenSSL's libcrypto (Debian libssl-dev), as lowercase hex.
public enum SHA256 {
    public static func hex(_ data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        data.withUnsafeBytes { bytes in
            _ = EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
