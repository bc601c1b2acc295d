package io.camkit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.model.train.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background class ({@code train --background-class}) round-trips through model.json; old cards have none. */
class BackgroundClassCardTest {
  private static final List<String> CLASSES = List.of("background", "disc", "star");

  @TempDir Path tmp;

  private static ModelCard card(String background) {
    return new ModelCard("t", "now", "camnet", CamNetOptions.defaults(32, 3), CLASSES, TrainOptions.defaults(), null,
        List.of(), background);
  }

  @Test
  void theBackgroundClassRoundTripsAndNamesItsIndex() throws Exception {
    card("background").write(tmp);
    assertThat(Files.readString(tmp.resolve(ModelCard.FILE))).contains("\"backgroundClass\" : \"background\"");
    ModelCard read = ModelCard.read(tmp);
    assertThat(read.backgroundClass()).isEqualTo("background");
    assertThat(read.backgroundIndex()).isZero();
    assertThat(read).isEqualTo(card("background"));
    assertThat(card(null).withBackgroundClass("star").backgroundIndex()).isEqualTo(2);
  }

  @Test
  void aCardWithoutTheFieldHasNoBackgroundClass() throws Exception {
    card(null).write(tmp);
    String json = Files.readString(tmp.resolve(ModelCard.FILE)).replaceAll(",\\s*\"backgroundClass\" : null", "");
    assertThat(json).doesNotContain("backgroundClass");
    Files.writeString(tmp.resolve(ModelCard.FILE), json);
    assertThat(ModelCard.read(tmp).backgroundClass()).isNull();
    assertThat(ModelCard.read(tmp).backgroundIndex()).isEqualTo(-1);
  }

  @Test
  void aBackgroundClassMustBeOneOfTheClasses() {
    assertThatThrownBy(() -> card("sky")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("background class 'sky' is not one of [background, disc, star]");
  }
}
