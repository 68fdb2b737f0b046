"""Small datasets bundled with tetragrad, so examples and tests run offline.

``load_digits`` -- the UCI "Optical Recognition of Handwritten Digits" data set, the 1797-image
copy that scikit-learn bundles (``sklearn.datasets.load_digits``): 8x8 images of the digits 0-9,
each pixel an integer count in 0..16, about 180 images per class.

Provenance. The images were made by E. Alpaydin and C. Kaynak (Bogazici University, 1998) with
NIST's preprocessing programs: 32x32 bitmaps of handwritten digits from preprinted forms,
divided into non-overlapping 4x4 blocks whose on-pixels are counted. The 1797 images are the
test part of the UCI data set (13 writers). The file ``digits.npz`` here was converted from
scikit-learn's ``sklearn/datasets/data/digits.csv.gz`` (64 pixel columns, then the label),
unchanged in values and order: ``images`` uint8 [1797, 8, 8], ``labels`` uint8 [1797].

Source: https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits

Licence: Creative Commons Attribution 4.0 International (CC BY 4.0),
https://creativecommons.org/licenses/by/4.0/ -- the licence under which the UCI Machine
Learning Repository distributes it. The conversion above is the only change.

Citation:
    E. Alpaydin and C. Kaynak. Optical Recognition of Handwritten Digits [Dataset].
    UCI Machine Learning Repository, 1998. https://doi.org/10.24432/C50P49

    C. Kaynak (1995). Methods of Combining Multiple Classifiers and Their Applications to
    Handwritten Digit Recognition. MSc thesis, Bogazici University.
    E. Alpaydin and C. Kaynak (1998). Cascading Classifiers. Kybernetika 34(4).
"""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = ["load_digits"]

_DIGITS_FILE = "digits.npz"


def _read_digits() -> tuple[np.ndarray, np.ndarray]:
    """The raw arrays: images uint8 [1797, 8, 8] in 0..16, labels uint8 [1797] in 0..9."""
    # importlib.resources finds the file inside an installed wheel (or a zip) as well as in
    # a source tree.
    with resources.files(__name__).joinpath(_DIGITS_FILE).open("rb") as f:
        with np.load(f) as data:
            return data["images"], data["labels"]


def load_digits(return_tensors: bool = True):
    """The UCI optical digits: 1797 8x8 grey-scale images of the digits 0-9.

    Returns ``(X, y)``:
      X: float32 [1797, 64], the 8x8 images flattened row by row, pixel counts 0..16 divided
         by 16 so that values lie in [0, 1] (``X.reshape(-1, 1, 8, 8)`` gives NCHW images).
      y: int64 [1797], the digit (0..9) of each image.

    With ``return_tensors=True`` (the default) both are tetragrad tensors, otherwise NumPy
    arrays. The order is the file's order (the classes are interleaved, not sorted): shuffle
    or split it yourself. Each call returns fresh arrays that the caller may modify.
    """
    images, labels = _read_digits()
    X = images.reshape(len(images), 64).astype(np.float32) / np.float32(16.0)
    y = labels.astype(np.int64)
    if not return_tensors:
        return X, y
    import tetragrad as tg

    return tg.from_numpy(X), tg.from_numpy(y)
