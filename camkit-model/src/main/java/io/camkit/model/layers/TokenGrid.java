package io.camkit.model.layers;

import ai.djl.ndarray.NDArray;
import io.camkit.core.CamkitException;
import java.util.Locale;

/**
 * How the tokens of a vision transformer layer, {@code [N, T, D]}, are seen as a feature map
 * {@code A [N, D, h, w]}: the first {@code classTokens} tokens are not patches (a class token,
 * distillation tokens) and are left out of the map; the other {@code h·w} tokens are the patches in
 * row-major order (patch {@code (r, c)} is token {@code classTokens + r·w + c}), and their {@code
 * D} features become the map's channels. This is pytorch-grad-cam's {@code reshape_transform}
 * for ViTs ({@code tokens[:, c:, :].reshape(N, h, w, D).permute(0, 3, 1, 2)}).
 *
 * <p>A grid may be left partly open ({@link #AUTO}, or a known class-token count with the side
 * inferred) and is made concrete for a layer by {@link #resolve}: with {@code T} tokens and no
 * grid given, {@code T} a square means no class token, else {@code T − 1} a square means one; with
 * only the grid given, the {@code T − h·w} (at most {@value #MAX_INFERRED_CLASS_TOKENS}) leading
 * tokens are class tokens.
 *
 * @param classTokens leading tokens that are not patches, or −1 to infer
 * @param height rows of patches, or 0 to infer (with {@code width})
 * @param width columns of patches, or 0 to infer (with {@code height})
 */
public record TokenGrid(int classTokens, int height, int width) {
  /**
   * The most leading tokens inferred when only the grid is given: a class and a distillation token
   * (DeiT); more must be given explicitly, as they more likely mean a wrong grid.
   */
  public static final int MAX_INFERRED_CLASS_TOKENS = 2;

  /** Everything inferred from the token count. */
  public static final TokenGrid AUTO = new TokenGrid(-1, 0, 0);

  public TokenGrid {
    if (classTokens < -1) {
      throw new CamkitException("class tokens = " + classTokens + " is out of range (allowed: >= 0)");
    }
    if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
      throw new CamkitException("token grid " + height + "x" + width + " is invalid (allowed: HxW with H, W >= 1)");
    }
  }

  /**
   * The grid of the options {@code --tokens HxW} and {@code --class-tokens C}.
   *
   * @param grid {@code "8x8"} (also {@code 8×8}), or null to infer it
   * @param classTokens the count of leading non-patch tokens, or null to infer it
   */
  public static TokenGrid parse(String grid, Integer classTokens) {
    int c = classTokens == null ? -1 : classTokens;
    if (classTokens != null && classTokens < 0) {
      throw new CamkitException("--class-tokens " + classTokens + " is out of range (allowed: >= 0)");
    }
    if (grid == null || grid.isBlank() || grid.equalsIgnoreCase("auto")) {
      return new TokenGrid(c, 0, 0);
    }
    String[] p = grid.trim().toLowerCase(Locale.ROOT).split("[x×]");
    try {
      if (p.length == 2) {
        int h = Integer.parseInt(p[0].trim());
        int w = Integer.parseInt(p[1].trim());
        if (h >= 1 && w >= 1) {
          return new TokenGrid(c, h, w);
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CamkitException("--tokens " + grid + " is not a grid (expected HxW, e.g. 14x14)");
  }

  /** Whether nothing is fixed. */
  public boolean isAuto() {
    return classTokens < 0 && height == 0;
  }

  /** Whether every part is known ({@link #resolve} gives such a grid). */
  public boolean isConcrete() {
    return classTokens >= 0 && height > 0;
  }

  /** {@code T = classTokens + h·w} of a concrete grid. */
  public long tokens() {
    return classTokens + (long) height * width;
  }

  /**
   * The concrete grid for a layer of {@code tokens} tokens.
   *
   * @param tokens {@code T}
   * @param layer the layer's name, for the message
   * @throws CamkitException (one line) when the tokens do not fit the grid given, or no grid is
   *     given and neither {@code T} nor {@code T − 1} is a square
   */
  public TokenGrid resolve(long tokens, String layer) {
    if (height > 0) {
      long patches = (long) height * width;
      long c = classTokens >= 0 ? classTokens : tokens - patches;
      if (c < 0 || c + patches != tokens || (classTokens < 0 && c > MAX_INFERRED_CLASS_TOKENS)) {
        throw new CamkitException("layer '" + layer + "' has " + tokens + " tokens, not " + (classTokens >= 0
            ? classTokens + " class tokens + " + height + "×" + width + " patches"
            : height + "×" + width + " patches and up to " + MAX_INFERRED_CLASS_TOKENS
                + " class tokens (give --class-tokens C for more)"));
      }
      return new TokenGrid((int) c, height, width);
    }
    if (classTokens >= 0) {
      long side = side(tokens - classTokens);
      if (side < 1) {
        throw new CamkitException("layer '" + layer + "' has " + tokens + " tokens; " + tokens + " − " + classTokens
            + " class tokens is not a square grid: give it with --tokens HxW");
      }
      return new TokenGrid(classTokens, (int) side, (int) side);
    }
    long side = side(tokens);
    if (side >= 1) {
      return new TokenGrid(0, (int) side, (int) side);
    }
    side = side(tokens - 1);
    if (side >= 1) {
      return new TokenGrid(1, (int) side, (int) side);
    }
    throw new CamkitException("layer '" + layer + "' has " + tokens + " tokens, and neither " + tokens + " nor "
        + (tokens - 1) + " is a square: give the patch grid with --tokens HxW (and --class-tokens C)");
  }

  /** √n if n ≥ 1 is a perfect square, else 0. */
  private static long side(long n) {
    if (n < 1) {
      return 0;
    }
    long s = Math.round(Math.sqrt((double) n));
    return s * s == n ? s : 0;
  }

  /** Tokens {@code [N, T, D]} → the patch map {@code A [N, D, h, w]} (class tokens left out). */
  public NDArray toMap(NDArray tokens) {
    long n = tokens.getShape().get(0);
    long d = tokens.getShape().get(2);
    return tokens.get(":, " + classTokens + ":, :").reshape(n, height, width, d).transpose(0, 3, 1, 2);
  }

  /** The leading non-patch tokens {@code [N, classTokens, D]} of tokens {@code [N, T, D]}. */
  public NDArray leading(NDArray tokens) {
    return tokens.get(":, :" + classTokens + ", :");
  }

  /**
   * The inverse of {@link #toMap}: a map {@code A [N, D, h, w]} → tokens {@code [N, T, D]}, the
   * {@code leading} tokens {@code [N, classTokens, D]} put back in front (null when there are
   * none). Differentiable in {@code A}, so a head run on the result carries gradients to the map.
   */
  public NDArray toTokens(NDArray map, NDArray leading) {
    long n = map.getShape().get(0);
    long d = map.getShape().get(1);
    NDArray patches = map.transpose(0, 2, 3, 1).reshape(n, (long) height * width, d);
    return classTokens == 0 ? patches : leading.concat(patches, 1);
  }

  /** "8×8" or "1 class token + 8×8" (a concrete grid), for {@code camkit layers}. */
  public String describe() {
    String g = height + "×" + width;
    return classTokens == 0 ? g + " patch tokens"
        : classTokens + (classTokens == 1 ? " class token" : " class tokens") + " + " + g + " patch tokens";
  }
}
