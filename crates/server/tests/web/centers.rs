//! The registry of family support centers: an administrator registers a center from its page,
//! its head sets the shelter places occupied (never above the places), others only read.

use crate::support::*;
use axum::http::StatusCode;

const CENTER: &str = "kz-75-family-support-center";

#[tokio::test]
async fn an_administrator_registers_a_center_and_its_head_keeps_the_shelter_count() {
    on_each_backend("web_centers", config, |app| async move {
        let admin = app.sign_in_as("admin.centers.web", "administrator", None, None).await;
        let page = format!("/staff/centers/{CENTER}?lang=en");
        let list = app.get_as(&admin, "/staff/centers?lang=en").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert!(list.body.contains("Not registered yet"));

        let bad =
            [("address", "Synthetic street 1"), ("service_legal_aid", "yes"), ("capacity", "many"), ("shelter_places", "12")];
        let refused = app.send(form_as(&page, &admin, &bad)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("href=\"#capacity\""), "the error links to its field");
        let good = [
            ("address", "Synthetic street 1, Almaty"),
            ("service_legal_aid", "yes"),
            ("service_shelter_placement", "yes"),
            ("capacity", "40"),
            ("shelter_places", "12"),
        ];
        assert_eq!(app.send(form_as(&page, &admin, &good)).await.status, StatusCode::SEE_OTHER);
        let shown = app.get_as(&admin, &page).await;
        assert_eq!(text_of(&shown.body, "shelter"), "0 of 12");
        assert!(shown.body.contains("Legal aid"), "{}", shown.body);

        let head = app.sign_in_as("head.center.web", "agency_head", Some(CENTER), None).await;
        let occupancy = format!("/staff/centers/{CENTER}/occupancy?lang=en");
        let over = app.send(form_as(&occupancy, &head, &[("occupied", "13")])).await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "never above the places: {}", over.body);
        assert_eq!(app.send(form_as(&occupancy, &head, &[("occupied", "3")])).await.status, StatusCode::SEE_OTHER);
        assert_eq!(text_of(&app.get_as(&head, &page).await.body, "shelter"), "3 of 12");
        assert!(!app.get_as(&head, &page).await.body.contains("id=\"capacity\""), "the head does not edit the profile");

        let operator = app.sign_in_as("operator.centers.web", "operator", None, None).await;
        let read = app.get_as(&operator, &page).await;
        assert!(read.body.contains("3 of 12") && !read.body.contains("id=\"occupied\""), "others only read");
        assert_eq!(app.send(form_as(&occupancy, &operator, &[("occupied", "1")])).await.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}
