pub mod aws;
pub mod model;
pub mod net;
pub mod scenario;
pub mod suggest;
