//! Elastic Load Balancing (v2) resources: Application, Network and Gateway Load Balancers
//! (collected per region).

mod load_balancer;

pub use load_balancer::*;
