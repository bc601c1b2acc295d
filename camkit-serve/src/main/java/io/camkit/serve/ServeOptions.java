package io.camkit.serve;

import io.camkit.core.CamkitException;
import io.camkit.core.Options;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * How {@code camkit serve} listens and what it bounds.
 *
 * @param host the address to bind (127.0.0.1 by default: reachable from this machine only)
 * @param port the TCP port, 0 for any free one
 * @param token the access token every API call must carry ({@code Authorization: Bearer T}, header
 *     {@code X-Camkit-Token} or query {@code token}); null for none, which only a loopback host
 *     allows
 * @param maxUploadBytes the largest accepted upload in bytes (a larger one gets 413)
 * @param workers inference threads (each model explains one request at a time)
 * @param queue requests that may wait for a worker; one more gets 503 with {@code Retry-After}
 * @param timeLimit the longest a request waits for its answer (queue + inference)
 * @param allowOrigin an origin allowed to call the API from another site (CORS), or null for none
 */
public record ServeOptions(String host, int port, String token, long maxUploadBytes, int workers, int queue,
    Duration timeLimit, String allowOrigin) {

  /** Default upload cap: 16 MiB. */
  public static final long DEFAULT_MAX_UPLOAD = 16L << 20;

  public ServeOptions {
    Options.check(host != null && !host.isBlank(), "host", host, "an address or host name");
    Options.check(port >= 0 && port <= 65535, "port", port, "0..65535");
    Options.check(maxUploadBytes >= 1024, "max-upload", maxUploadBytes, ">= 1024 bytes");
    Options.check(workers >= 1 && workers <= 64, "workers", workers, "1..64");
    Options.check(queue >= 0 && queue <= 10_000, "queue", queue, "0..10000");
    Options.check(timeLimit != null && !timeLimit.isNegative() && !timeLimit.isZero(), "time-limit", timeLimit,
        "> 0");
    if (token != null && token.length() < 8) {
      throw new CamkitException("--token must have at least 8 characters");
    }
    if (token == null && !loopback(host)) {
      throw new CamkitException("--host " + host + " is reachable from other machines: it needs an access token"
          + " (--token, or none given to have one generated)");
    }
  }

  /** Loopback, port 8080, no token, 16 MiB uploads, 1 worker, queue 8, 60 s per request, no CORS. */
  public static ServeOptions defaults() {
    return new ServeOptions("127.0.0.1", 8080, null, DEFAULT_MAX_UPLOAD, 1, 8, Duration.ofSeconds(60), null);
  }

  public ServeOptions withHost(String host, String token) {
    return new ServeOptions(host, port, token, maxUploadBytes, workers, queue, timeLimit, allowOrigin);
  }

  public ServeOptions withPort(int port) {
    return new ServeOptions(host, port, token, maxUploadBytes, workers, queue, timeLimit, allowOrigin);
  }

  public ServeOptions withLimits(long maxUploadBytes, int workers, int queue, Duration timeLimit) {
    return new ServeOptions(host, port, token, maxUploadBytes, workers, queue, timeLimit, allowOrigin);
  }

  public ServeOptions withAllowOrigin(String origin) {
    return new ServeOptions(host, port, token, maxUploadBytes, workers, queue, timeLimit, origin);
  }

  /** Whether {@code host} names a loopback address only (127.0.0.0/8, ::1, localhost). */
  public static boolean loopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new CamkitException("unknown host '" + host + "'");
    }
  }

  /** A fresh random token: 128 bits, hex. */
  public static String newToken() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
