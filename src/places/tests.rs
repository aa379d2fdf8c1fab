use proptest::prelude::*;

use super::*;

#[test]
fn names_of_one_city_share_a_key() {
    assert_eq!(city_key("Lisboa"), city_key("Lisbon"));
    assert_eq!(city_key("München"), city_key("Munich"));
    assert_eq!(city_key("  BERLIN "), "berlin");
    assert_eq!(city_key("Frankfurt am Main"), "frankfurt am main");
    assert_ne!(city_key("Berlin"), city_key("Bern"));
    assert_eq!(city_key("!!!"), "");
}

#[test]
fn a_free_text_place_gives_its_city_not_its_country_street_or_postcode() {
    let city = |text| city_of_text(text);
    assert_eq!(
        city("Betahaus, Prinzessinnenstraße 19, 10969 Berlin, Germany").as_deref(),
        Some("Berlin")
    );
    assert_eq!(city("c-base, Berlin").as_deref(), Some("Berlin"));
    assert_eq!(
        city("LX Factory, Lisboa, Portugal").as_deref(),
        Some("Lisboa")
    );
    assert_eq!(city("Hinterhof 3, Secret Street 12"), None);
    assert_eq!(city("Betahaus"), None, "a venue alone names no city");
    assert_eq!(city("Room 4, 10969"), None);
}

#[test]
fn coordinates_are_checked_and_measured() {
    assert_eq!(Coordinate::from_degrees(0.0, 0.0), None);
    assert_eq!(Coordinate::from_degrees(91.0, 10.0), None);
    assert_eq!(Coordinate::from_degrees(f64::NAN, 10.0), None);
    assert_eq!(Coordinate::parse("x", "1"), None);
    let berlin = Coordinate::parse("52.52", "13.405").expect("a coordinate");
    assert_eq!(berlin.latitude_e6, 52_520_000);
    let potsdam = Coordinate::from_degrees(52.3906, 13.0645).expect("a coordinate");
    let lisbon = Coordinate::from_degrees(38.7223, -9.1393).expect("a coordinate");
    let km = berlin.distance_km(potsdam);
    assert!((25.0..30.0).contains(&km), "{km}");
    assert!(berlin.distance_km(lisbon) > 2000.0);
    assert!(same_place((Some("Berlin"), None), (Some("berlin"), None)));
    assert!(same_place((Some("Lisboa"), None), (Some("Lisbon"), None)));
    assert!(!same_place((Some("Berlin"), None), (Some("Lisbon"), None)));
    assert!(!same_place((None, None), (None, None)));
    assert!(same_place(
        (Some("Berlin-Mitte"), Some(berlin)),
        (Some("Berlin"), Coordinate::from_degrees(52.50, 13.45))
    ));
}

proptest! {
    #[test]
    fn any_text_is_read_without_panicking_and_bounded(text in "\\PC{0,400}") {
        if let Some(city) = city_of_text(&text) {
            prop_assert!(city.chars().count() <= CITY_MAX_CHARS);
            prop_assert!(!city.is_empty());
        }
        prop_assert!(city_key(&text).chars().count() <= CITY_MAX_CHARS * 4);
        let _ = Coordinate::parse(&text, &text);
    }

    #[test]
    fn any_degrees_make_a_coordinate_in_range_or_none(lat in proptest::num::f64::ANY, lon in proptest::num::f64::ANY) {
        if let Some(point) = Coordinate::from_degrees(lat, lon) {
            prop_assert!(point.latitude_e6.abs() <= 90_000_000);
            prop_assert!(point.longitude_e6.abs() <= 180_000_000);
            prop_assert!(point.distance_km(point) < 0.001);
        }
    }
}
