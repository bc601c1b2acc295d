package io.camkit.localize;

import io.camkit.core.Box;
import io.camkit.core.Mask;
import java.util.Optional;

/**
 * What a localizer found for one map: the thresholded mask (all pixels at or above the
 * threshold), the largest connected component's mask and its box (empty when no pixel passed).
 */
public record Localization(double threshold, Mask foreground, Mask component, Optional<Box> box) {}
