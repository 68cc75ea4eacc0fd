from pipeline.evaluate import fold_place_into_park


def test_place_before_park_counts_as_one_park_span():
    assert fold_place_into_park({(0, 3, "LOC"), (3, 8, "PARK")}) == {(0, 8, "PARK")}
    assert fold_place_into_park({(0, 2, "LOC"), (2, 4, "LOC"), (4, 9, "PARK")}) == {(0, 9, "PARK")}
    assert fold_place_into_park({(0, 2, "LOC"), (3, 8, "PARK")}) == {(0, 2, "LOC"), (3, 8, "PARK")}
    assert fold_place_into_park({(0, 2, "LOC"), (2, 5, "ORG")}) == {(0, 2, "LOC"), (2, 5, "ORG")}
