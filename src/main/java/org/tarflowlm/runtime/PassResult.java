package org.tarflowlm.runtime;

/**
 * The sequence after one inverse pass of generation: the hierarchical multi-pass refinement.
 *
 * @param iteration prompt-conditioning iteration (0 without a prompt)
 * @param layer the layer just inverted (1-based; passes run from the last layer down to 1)
 * @param text the text decoded from the latent after this pass
 * @param latents every character's latent after this pass, in token space, [T][d]
 * @param changed characters that differ from the previous pass's text
 */
public record PassResult(int iteration, int layer, String text, float[][] latents, int changed) {

  /** Characters at which two texts differ, a length difference counting as that many. */
  public static int differences(String a, String b) {
    int count = 0;
    for (int i = 0; i < Math.min(a.length(), b.length()); i++) {
      if (a.charAt(i) != b.charAt(i)) {
        count++;
      }
    }
    return count + Math.abs(a.length() - b.length());
  }
}
