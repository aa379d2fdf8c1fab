use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_reports_ok_when_the_store_answers() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn server_stops_cleanly_on_the_shutdown_signal() {
    let app = spawn_app().await;
    let address = app.address;
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    app.shut_down().await.expect("graceful shutdown returns Ok");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "the listener is closed after shutdown"
    );
}
