package io.camkit.dataset.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.Box;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counting crops: object crops centre their object, background crops have no object centre in their middle. */
class CountingCropsTest {
  private static final ShapesOptions O =
      new ShapesOptions(48, 14, 26, 1, 1, 1, 2, 0.04, 40, 10, 10, 42L);

  @Test
  void objectCropsCentreTheirObjectsBoxAndShowIt() {
    CountingCrops.Result r = CountingCrops.of(new ShapesGenerator(O), Split.TRAIN, 40, 1.0, 0.25);
    List<ObjectAnnotation> objects = r.source().objects();
    List<CountingCrops.Crop> obj = r.crops().stream().filter(c -> c.kind() == CountingCrops.Kind.OBJECT).toList();
    assertThat(obj).hasSize(objects.size()).hasSize(42); // 7 × 6 cells ≥ 40 images, one object each
    for (int i = 0; i < obj.size(); i++) {
      CountingCrops.Crop c = obj.get(i);
      Box inCrop = c.object().orElseThrow();
      Box b = objects.get(i).box();
      assertThat(c.classIndex()).isEqualTo(objects.get(i).classIndex());
      // the box in crop pixels is the mosaic box shifted by the crop's corner, and its centre is the crop's ± ½ px
      assertThat(inCrop).isEqualTo(new Box(b.x0() - c.x(), b.y0() - c.y(), b.x1() - c.x(), b.y1() - c.y()));
      assertThat(Math.abs((inCrop.x0() + inCrop.x1()) / 2.0 - 24)).isLessThanOrEqualTo(0.5);
      assertThat(Math.abs((inCrop.y0() + inCrop.y1()) / 2.0 - 24)).isLessThanOrEqualTo(0.5);
      // the crop's pixels are the mosaic's (where inside it), so the object really is there
      int mx = c.x() + 24;
      int my = c.y() + 24;
      if (mx >= 0 && my >= 0 && mx < r.source().image().getWidth() && my < r.source().image().getHeight()) {
        int v = r.source().image().getRGB(mx, my);
        assertThat(c.image().get(24, 24, 0)).isEqualTo((v >> 16) & 0xFF);
        assertThat(c.image().get(24, 24, 2)).isEqualTo(v & 0xFF);
      }
    }
  }

  @Test
  void backgroundCropsHoldNoObjectCentreInTheirCentralHalfAndClutterHoldsNoObject() {
    CountingCrops.Result r = CountingCrops.of(new ShapesGenerator(O), Split.VAL, 40, 2.0, 0.25);
    List<String> names = CountingCrops.classNames();
    assertThat(names).hasSize(7).endsWith(CountingCrops.BACKGROUND);
    int bg = names.size() - 1;
    List<CountingCrops.Crop> off = r.crops().stream().filter(c -> c.kind() == CountingCrops.Kind.OFF_CENTRE).toList();
    List<CountingCrops.Crop> clutter = r.crops().stream().filter(c -> c.kind() == CountingCrops.Kind.CLUTTER).toList();
    assertThat(off.size() + clutter.size()).isEqualTo(84); // 2 per object
    assertThat(clutter).hasSize(21);
    int h = CountingCrops.centreHalfSide(48);
    assertThat(h).isEqualTo(12);
    int withSomeObject = 0;
    for (CountingCrops.Crop c : off) {
      assertThat(c.classIndex()).isEqualTo(bg);
      assertThat(c.object()).isEmpty();
      double cx = c.x() + 24;
      double cy = c.y() + 24;
      boolean overlaps = false;
      for (ObjectAnnotation o : r.source().objects()) {
        Box b = o.box();
        double ox = (b.x0() + b.x1()) / 2.0;
        double oy = (b.y0() + b.y1()) / 2.0;
        assertThat(Math.abs(ox - cx) > h || Math.abs(oy - cy) > h).as("object centre in the middle of %s", c.id()).isTrue();
        overlaps |= b.x1() > c.x() && b.x0() < c.x() + 48 && b.y1() > c.y() && b.y0() < c.y() + 48;
      }
      withSomeObject += overlaps ? 1 : 0;
    }
    // on an edge-to-edge mosaic nearly every background crop shows an object off centre or cut
    assertThat(withSomeObject).isGreaterThan(off.size() / 2);
    for (CountingCrops.Crop c : clutter) {
      assertThat(c.classIndex()).isEqualTo(bg);
      assertThat(c.image().width()).isEqualTo(48);
    }
  }

  @Test
  void cropsAreAFunctionOfOptionsSplitAndCounts() {
    ShapesGenerator g = new ShapesGenerator(O);
    var a = CountingCrops.of(g, Split.TRAIN, 12, 1.0, 0.5).crops();
    var b = CountingCrops.of(g, Split.TRAIN, 12, 1.0, 0.5).crops();
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).id()).isEqualTo(b.get(i).id());
      assertThat(a.get(i).image().bytes()).isEqualTo(b.get(i).image().bytes());
    }
    // clutter pictures differ from the samples of the same index (own random stream)
    assertThat(g.clutter(Split.TRAIN, 0).bytes()).isNotEqualTo(g.sample(Split.TRAIN, 0).image().bytes());
  }
}
