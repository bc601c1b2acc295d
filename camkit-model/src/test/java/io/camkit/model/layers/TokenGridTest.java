package io.camkit.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.camkit.core.CamkitException;
import org.junit.jupiter.api.Test;

/** Tokens ↔ map by hand on a 1 + 2×2 token, 3-feature tensor. */
class TokenGridTest {
  /** Token t, feature f = 10·t + f: token 0 is the class token, tokens 1–4 the patches. */
  static float[] tokens() {
    float[] v = new float[5 * 3];
    for (int t = 0; t < 5; t++) {
      for (int f = 0; f < 3; f++) {
        v[t * 3 + f] = 10 * t + f;
      }
    }
    return v;
  }

  @Test
  void resolvesClassTokensFromTheCount() {
    assertThat(TokenGrid.AUTO.resolve(64, "l")).isEqualTo(new TokenGrid(0, 8, 8));
    assertThat(TokenGrid.AUTO.resolve(65, "l")).isEqualTo(new TokenGrid(1, 8, 8));
    assertThat(TokenGrid.parse(null, 2).resolve(198, "l")).isEqualTo(new TokenGrid(2, 14, 14));
    assertThat(TokenGrid.parse("4x8", null).resolve(33, "l")).isEqualTo(new TokenGrid(1, 4, 8));
    assertThat(TokenGrid.parse("8×4", 0).resolve(32, "l")).isEqualTo(new TokenGrid(0, 8, 4));
  }

  @Test
  void tokenCountThatIsNoSquareNeedsAGrid() {
    assertThatThrownBy(() -> TokenGrid.AUTO.resolve(51, "blocks.3"))
        .isInstanceOf(CamkitException.class)
        .hasMessage("layer 'blocks.3' has 51 tokens, and neither 51 nor 50 is a square: give the patch grid with"
            + " --tokens HxW (and --class-tokens C)");
    assertThatThrownBy(() -> TokenGrid.parse("7x7", 0).resolve(50, "b"))
        .hasMessage("layer 'b' has 50 tokens, not 0 class tokens + 7×7 patches");
    assertThatThrownBy(() -> TokenGrid.parse("7x7", null).resolve(64, "b"))
        .hasMessage("layer 'b' has 64 tokens, not 7×7 patches and up to 2 class tokens (give --class-tokens C for more)");
    assertThat(TokenGrid.parse("7x7", 15).resolve(64, "b")).isEqualTo(new TokenGrid(15, 7, 7));
    assertThatThrownBy(() -> TokenGrid.parse("7by7", null)).hasMessage("--tokens 7by7 is not a grid (expected HxW,"
        + " e.g. 14x14)");
  }

  @Test
  void mapDropsTheClassTokenInRowMajorPatchOrder() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray t = m.create(tokens(), new Shape(1, 5, 3));
      TokenLayer layer = TokenLayer.of("tokens", new long[] {1, 5, 3}, TokenGrid.AUTO);
      assertThat(layer.mapShape(3)).containsExactly(3, 2, 2);
      assertThat(layer.describe()).isEqualTo("tokens 5 → 1 class token + 2×2 patch tokens");
      NDArray a = layer.toMap(m, t);
      assertThat(a.getShape()).isEqualTo(new Shape(1, 3, 2, 2));
      // channel f, patch (r, c) = token 1 + 2r + c
      assertThat(a.toFloatArray()).containsExactly(
          10, 20, 30, 40,
          11, 21, 31, 41,
          12, 22, 32, 42);
      // back to tokens: the class token re-inserted unchanged, also for a gradient leaf's copy
      assertThat(layer.toTokens(a).toFloatArray()).containsExactly(tokens());
      NDArray copy = a.duplicate();
      assertThat(layer.toTokens(copy).toFloatArray()).containsExactly(tokens());
    }
  }

  @Test
  void gradientsReachThePatchTokensThroughTheMap() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      TokenLayer layer = TokenLayer.of("tokens", new long[] {1, 5, 3}, TokenGrid.AUTO);
      NDArray leaf = layer.toMap(m, m.create(tokens(), new Shape(1, 5, 3))).duplicate();
      leaf.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        // y = Σ_t w_t · token_t[0], w_t = t: the class token (t = 0) adds 0·20 whatever it is
        NDArray y = layer.toTokens(leaf).get(":, :, 0").mul(m.arange(5f)).sum();
        gc.backward(y);
      }
      // ∂y/∂A[0, f, r, c] = (1 + 2r + c) at f = 0, else 0
      assertThat(leaf.getGradient().toFloatArray()).containsExactly(1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  @Test
  void withoutClassTokensEveryTokenIsAPatch() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray t = m.create(tokens(), new Shape(1, 5, 3)).get(":, 1:, :");
      TokenLayer layer = TokenLayer.of("t", new long[] {1, 4, 3}, TokenGrid.AUTO);
      NDArray a = layer.toMap(m, t);
      assertThat(a.toFloatArray()).containsExactly(10, 20, 30, 40, 11, 21, 31, 41, 12, 22, 32, 42);
      assertThat(layer.toTokens(m.ones(new Shape(2, 3, 2, 2))).getShape()).isEqualTo(new Shape(2, 4, 3));
    }
  }

  @Test
  void aMapFromNoPassHasNoClassTokenButAnAblatedCopyHasItsImages() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      TokenLayer layer = TokenLayer.of("tokens", new long[] {1, 5, 3}, TokenGrid.AUTO);
      NDArray t = m.create(tokens(), new Shape(1, 5, 3));
      NDArray two = t.concat(t.add(100), 0); // image 1: every value + 100, class token 100, 101, 102
      NDArray a = layer.toMap(m, two);
      assertThatThrownBy(() -> layer.toTokens(m.zeros(new Shape(2, 3, 2, 2))))
          .isInstanceOf(CamkitException.class)
          .hasMessage("layer 'tokens' has 1 class token(s), which the map leaves out, so its head takes only maps"
              + " that features() returned (or copies with one channel changed), not this (2, 3, 2, 2) map");
      // Ablation-CAM's copies of image 1, channel 0 then channel 2 zeroed: image 1's class token each
      NDArray one = a.get("1:2");
      NDArray ablated = one.concat(one, 0).mul(m.create(new float[] {0, 1, 1, 1, 1, 0}, new Shape(2, 3, 1, 1)));
      NDArray back = layer.toTokens(ablated);
      assertThat(back.get(":, 0, :").toFloatArray()).containsExactly(100, 101, 102, 100, 101, 102);
      assertThat(back.get("0, 1:, 0").toFloatArray()).containsExactly(0, 0, 0, 0);
    }
  }
}
